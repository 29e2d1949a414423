namespace Allixios.Tenancy;

/// <summary>Why a presented API key was accepted or refused.</summary>
public enum ApiKeyAuthenticationOutcome
{
    /// <summary>The key is valid and active.</summary>
    Succeeded,

    /// <summary>No key was presented.</summary>
    Missing,

    /// <summary>No key has that secret.</summary>
    Unknown,

    /// <summary>The key was revoked.</summary>
    Revoked,

    /// <summary>The key has expired.</summary>
    Expired,
}

/// <summary>The result of authenticating a presented API key.</summary>
/// <param name="Outcome">Accepted, or why not.</param>
/// <param name="Key">The key, when it was found (also when revoked or expired).</param>
public sealed record ApiKeyAuthentication(ApiKeyAuthenticationOutcome Outcome, ApiKey? Key)
{
    /// <summary>Whether the key may be used.</summary>
    public bool Succeeded => Outcome == ApiKeyAuthenticationOutcome.Succeeded;

    /// <summary>A message for the caller that says what is wrong and what to do.</summary>
    public string Message => Outcome switch
    {
        ApiKeyAuthenticationOutcome.Succeeded => "Authenticated.",
        ApiKeyAuthenticationOutcome.Missing => "No API key was sent: send 'Authorization: Bearer <key>' or 'X-Api-Key: <key>'.",
        ApiKeyAuthenticationOutcome.Unknown => "The API key is not valid: check that it was copied whole, or ask an administrator for a new one.",
        ApiKeyAuthenticationOutcome.Revoked => $"The API key '{Key?.Id}' was revoked at {Key?.RevokedAt:O}: ask an administrator for a new one.",
        ApiKeyAuthenticationOutcome.Expired => $"The API key '{Key?.Id}' expired at {Key?.ExpiresAt:O}: ask an administrator for a new one.",
        _ => Outcome.ToString(),
    };
}

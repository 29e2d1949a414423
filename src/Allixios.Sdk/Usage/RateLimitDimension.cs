namespace Allixios.Usage;

/// <summary>What a resource's rate limit counts.</summary>
public enum RateLimitDimension
{
    /// <summary>Requests (calls, or jobs started).</summary>
    Requests,

    /// <summary>Tokens (prompt plus completion).</summary>
    Tokens,
}

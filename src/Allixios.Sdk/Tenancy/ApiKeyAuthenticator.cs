using Allixios.Diagnostics;
using Microsoft.Extensions.Options;

namespace Allixios.Tenancy;

/// <summary>Checks presented API keys against the store and keeps their last-used time.</summary>
public sealed class ApiKeyAuthenticator(IApiKeyStore keys, TimeProvider time, IOptions<AllixiosOptions> options)
{
    /// <summary>Authenticates <paramref name="presentedSecret"/>; never throws for a bad key, it says why instead.</summary>
    public async ValueTask<ApiKeyAuthentication> AuthenticateAsync(string? presentedSecret, CancellationToken cancellationToken = default)
    {
        var result = await CheckAsync(presentedSecret, cancellationToken);
        AllixiosTelemetry.ApiKeyAuthentications.Add(1, new KeyValuePair<string, object?>("outcome", result.Outcome.ToString().ToLowerInvariant()));
        return result;
    }

    private async ValueTask<ApiKeyAuthentication> CheckAsync(string? presentedSecret, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(presentedSecret))
        {
            return new(ApiKeyAuthenticationOutcome.Missing, null);
        }

        var key = await keys.FindBySecretHashAsync(ApiKeySecret.Hash(presentedSecret.Trim()), cancellationToken);
        if (key is null)
        {
            return new(ApiKeyAuthenticationOutcome.Unknown, null);
        }

        var now = time.GetUtcNow();
        if (key.RevokedAt is not null)
        {
            return new(ApiKeyAuthenticationOutcome.Revoked, key);
        }

        if (key.ExpiresAt is { } expiresAt && expiresAt <= now)
        {
            return new(ApiKeyAuthenticationOutcome.Expired, key);
        }

        // A busy key is written at most once per resolution window, not on every request.
        if (key.LastUsedAt is null || now - key.LastUsedAt.Value >= options.Value.ApiKeyLastUsedResolution)
        {
            await keys.RecordUseAsync(key.Id, now, cancellationToken);
            key = key with { LastUsedAt = now };
        }

        return new(ApiKeyAuthenticationOutcome.Succeeded, key);
    }
}

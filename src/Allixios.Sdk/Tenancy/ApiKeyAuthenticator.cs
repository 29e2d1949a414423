using System.Buffers.Binary;
using System.Collections.Concurrent;
using Allixios.Diagnostics;
using Microsoft.Extensions.Options;

namespace Allixios.Tenancy;

/// <summary>
/// Checks presented API keys against the store and keeps their last-used time. A key that authenticated is remembered
/// (by the hash of its secret, never the secret) for <see cref="AllixiosOptions.ApiKeyCacheDuration"/>, so that a busy
/// key costs a hash and a dictionary lookup per request instead of a store round trip; its expiry is still checked on
/// every request, and revoking it through <see cref="TenantAdministration"/> forgets it at once.
/// </summary>
public sealed class ApiKeyAuthenticator(IApiKeyStore keys, TimeProvider time, IOptions<AllixiosOptions> options)
{
    /// <summary>The most keys remembered at once; past it the cache starts over, so it cannot grow without bound.</summary>
    private const int MaxCachedKeys = 10_000;

    private static readonly KeyValuePair<string, object?>[] OutcomeTags =
    [
        .. Enum.GetValues<ApiKeyAuthenticationOutcome>().Select(o => new KeyValuePair<string, object?>("outcome", o.ToString().ToLowerInvariant())),
    ];

    private readonly ConcurrentDictionary<SecretHash, Verified> _verified = new();
    private long _generation;

    /// <summary>Authenticates <paramref name="presentedSecret"/>; never throws for a bad key, it says why instead.</summary>
    public async ValueTask<ApiKeyAuthentication> AuthenticateAsync(string? presentedSecret, CancellationToken cancellationToken = default)
    {
        var result = await CheckAsync(presentedSecret, cancellationToken);
        AllixiosTelemetry.ApiKeyAuthentications.Add(1, OutcomeTags[(int)result.Outcome]);
        return result;
    }

    /// <summary>Forgets what was remembered about key <paramref name="keyId"/>, so its next use reads the store (after a revocation).</summary>
    public void Forget(string keyId)
    {
        Interlocked.Increment(ref _generation);
        foreach (var (hash, verified) in _verified)
        {
            if (string.Equals(verified.Result.Key!.Id, keyId, StringComparison.Ordinal))
            {
                _verified.TryRemove(hash, out _);
            }
        }
    }

    private async ValueTask<ApiKeyAuthentication> CheckAsync(string? presentedSecret, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(presentedSecret))
        {
            return new(ApiKeyAuthenticationOutcome.Missing, null);
        }

        var hash = ApiKeySecret.Hash(presentedSecret.Trim());
        var now = time.GetUtcNow();
        var settings = options.Value;
        var cacheKey = SecretHash.Of(hash);
        if (settings.ApiKeyCacheDuration > TimeSpan.Zero
            && _verified.TryGetValue(cacheKey, out var remembered)
            && now < remembered.Until
            && remembered.Result.Key!.IsActiveAt(now)
            && !IsDue(remembered.Result.Key!, now, settings))
        {
            return remembered.Result;
        }

        // A revocation while the store is read must not be undone by caching what was read before it.
        var generation = Volatile.Read(ref _generation);
        var key = await keys.FindBySecretHashAsync(hash, cancellationToken);
        if (key is null)
        {
            _verified.TryRemove(cacheKey, out _);
            return new(ApiKeyAuthenticationOutcome.Unknown, null);
        }

        if (key.RevokedAt is not null)
        {
            _verified.TryRemove(cacheKey, out _);
            return new(ApiKeyAuthenticationOutcome.Revoked, key);
        }

        if (key.ExpiresAt is { } expiresAt && expiresAt <= now)
        {
            _verified.TryRemove(cacheKey, out _);
            return new(ApiKeyAuthenticationOutcome.Expired, key);
        }

        // A busy key is written at most once per resolution window, not on every request.
        if (IsDue(key, now, settings))
        {
            await keys.RecordUseAsync(key.Id, now, cancellationToken);
            key = key with { LastUsedAt = now };
        }

        var result = new ApiKeyAuthentication(ApiKeyAuthenticationOutcome.Succeeded, key);
        if (settings.ApiKeyCacheDuration > TimeSpan.Zero && generation == Volatile.Read(ref _generation))
        {
            if (_verified.Count >= MaxCachedKeys)
            {
                _verified.Clear();
            }

            _verified[cacheKey] = new Verified(result, now + settings.ApiKeyCacheDuration);
        }

        return result;
    }

    private static bool IsDue(ApiKey key, DateTimeOffset now, AllixiosOptions settings) =>
        key.LastUsedAt is null || now - key.LastUsedAt.Value >= settings.ApiKeyLastUsedResolution;

    private sealed record Verified(ApiKeyAuthentication Result, DateTimeOffset Until);

    /// <summary>A SHA-256 hash as a value, so that looking one up allocates nothing.</summary>
    private readonly record struct SecretHash(UInt128 High, UInt128 Low)
    {
        public static SecretHash Of(byte[] sha256) => new(
            BinaryPrimitives.ReadUInt128LittleEndian(sha256.AsSpan(0, 16)),
            BinaryPrimitives.ReadUInt128LittleEndian(sha256.AsSpan(16, 16)));
    }
}

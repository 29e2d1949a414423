namespace Allixios.Tenancy;

/// <summary>Where API keys live. Secrets are never stored: only their SHA-256 hash.</summary>
public interface IApiKeyStore
{
    /// <summary>Adds a key with the hash of its secret. The tenant must exist.</summary>
    ValueTask CreateAsync(ApiKey key, byte[] secretHash, CancellationToken cancellationToken = default);

    /// <summary>The key whose secret hashes to <paramref name="secretHash"/>, or <see langword="null"/>.</summary>
    ValueTask<ApiKey?> FindBySecretHashAsync(byte[] secretHash, CancellationToken cancellationToken = default);

    /// <summary>The key <paramref name="keyId"/> of tenant <paramref name="tenantId"/>, or <see langword="null"/>.</summary>
    ValueTask<ApiKey?> GetAsync(string tenantId, string keyId, CancellationToken cancellationToken = default);

    /// <summary>The tenant's keys, newest first, revoked ones included.</summary>
    ValueTask<IReadOnlyList<ApiKey>> ListAsync(string tenantId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Marks the key revoked at <paramref name="revokedAt"/> and returns it; a key revoked before keeps its first
    /// revocation time. Returns <see langword="null"/> when the tenant has no such key.
    /// </summary>
    ValueTask<ApiKey?> RevokeAsync(string tenantId, string keyId, DateTimeOffset revokedAt, CancellationToken cancellationToken = default);

    /// <summary>Records that the key authenticated a request at <paramref name="usedAt"/> (never moves the time backwards).</summary>
    ValueTask RecordUseAsync(string keyId, DateTimeOffset usedAt, CancellationToken cancellationToken = default);
}

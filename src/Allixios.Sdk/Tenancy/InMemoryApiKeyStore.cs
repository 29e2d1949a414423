namespace Allixios.Tenancy;

/// <summary>The embedded default <see cref="IApiKeyStore"/>: keys and their hashes in process memory.</summary>
public sealed class InMemoryApiKeyStore(ITenantStore tenants) : IApiKeyStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, ApiKey> _byId = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _idByHash = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public async ValueTask CreateAsync(ApiKey key, byte[] secretHash, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(secretHash);
        if (await tenants.GetAsync(key.TenantId, cancellationToken) is null)
        {
            throw AllixiosException.NotFound("tenant_not_found", $"Tenant '{key.TenantId}' does not exist.");
        }

        var hash = Convert.ToHexString(secretHash);
        lock (_gate)
        {
            if (_byId.ContainsKey(key.Id) || _idByHash.ContainsKey(hash))
            {
                throw AllixiosException.Exists("api_key_exists", $"API key '{key.Id}' (or one with the same secret) exists already.");
            }

            _byId.Add(key.Id, key);
            _idByHash.Add(hash, key.Id);
        }
    }

    /// <inheritdoc />
    public ValueTask<ApiKey?> FindBySecretHashAsync(byte[] secretHash, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return ValueTask.FromResult(_idByHash.TryGetValue(Convert.ToHexString(secretHash), out var id) ? _byId[id] : null);
        }
    }

    /// <inheritdoc />
    public ValueTask<ApiKey?> GetAsync(string tenantId, string keyId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return ValueTask.FromResult(_byId.TryGetValue(keyId, out var key) && key.TenantId == tenantId ? key : null);
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<ApiKey>> ListAsync(string tenantId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            IReadOnlyList<ApiKey> keys = _byId.Values
                .Where(k => k.TenantId == tenantId)
                .OrderByDescending(k => k.CreatedAt)
                .ThenByDescending(k => k.Id, StringComparer.Ordinal)
                .ToList();
            return ValueTask.FromResult(keys);
        }
    }

    /// <inheritdoc />
    public ValueTask<ApiKey?> RevokeAsync(string tenantId, string keyId, DateTimeOffset revokedAt, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (!_byId.TryGetValue(keyId, out var key) || key.TenantId != tenantId)
            {
                return ValueTask.FromResult<ApiKey?>(null);
            }

            var revoked = key with { RevokedAt = key.RevokedAt ?? revokedAt };
            _byId[keyId] = revoked;
            return ValueTask.FromResult<ApiKey?>(revoked);
        }
    }

    /// <inheritdoc />
    public ValueTask RecordUseAsync(string keyId, DateTimeOffset usedAt, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (_byId.TryGetValue(keyId, out var key) && (key.LastUsedAt is null || key.LastUsedAt < usedAt))
            {
                _byId[keyId] = key with { LastUsedAt = usedAt };
            }
        }

        return ValueTask.CompletedTask;
    }
}

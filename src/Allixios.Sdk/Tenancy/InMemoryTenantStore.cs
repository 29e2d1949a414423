namespace Allixios.Tenancy;

/// <summary>The embedded default <see cref="ITenantStore"/>: tenants in process memory, gone when the process ends.</summary>
public sealed class InMemoryTenantStore : ITenantStore
{
    private readonly Lock _gate = new();
    private readonly SortedDictionary<string, Tenant> _tenants = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public ValueTask<bool> TryCreateAsync(Tenant tenant, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        lock (_gate)
        {
            return ValueTask.FromResult(_tenants.TryAdd(tenant.Id, tenant));
        }
    }

    /// <inheritdoc />
    public ValueTask<Tenant?> GetAsync(string tenantId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return ValueTask.FromResult(_tenants.GetValueOrDefault(tenantId));
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<Tenant>> ListAsync(string? afterId, int limit, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            IReadOnlyList<Tenant> page = _tenants.Values
                .Where(t => afterId is null || string.CompareOrdinal(t.Id, afterId) > 0)
                .Take(limit)
                .ToList();
            return ValueTask.FromResult(page);
        }
    }

    /// <inheritdoc />
    public ValueTask<bool> TryUpdateAsync(Tenant tenant, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        lock (_gate)
        {
            if (!_tenants.TryGetValue(tenant.Id, out var existing))
            {
                return ValueTask.FromResult(false);
            }

            _tenants[tenant.Id] = tenant with { CreatedAt = existing.CreatedAt };
            return ValueTask.FromResult(true);
        }
    }
}

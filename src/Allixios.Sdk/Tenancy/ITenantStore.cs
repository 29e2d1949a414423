namespace Allixios.Tenancy;

/// <summary>Where tenants live: in memory in the embedded default, in PostgreSQL in production.</summary>
public interface ITenantStore
{
    /// <summary>Adds a tenant; returns <see langword="false"/> when a tenant with its id exists already.</summary>
    ValueTask<bool> TryCreateAsync(Tenant tenant, CancellationToken cancellationToken = default);

    /// <summary>The tenant with <paramref name="tenantId"/>, or <see langword="null"/>.</summary>
    ValueTask<Tenant?> GetAsync(string tenantId, CancellationToken cancellationToken = default);

    /// <summary>Tenants in id order, starting after <paramref name="afterId"/> (keyset pagination).</summary>
    ValueTask<IReadOnlyList<Tenant>> ListAsync(string? afterId, int limit, CancellationToken cancellationToken = default);

    /// <summary>Replaces the tenant's display name, limits and features; returns <see langword="false"/> when it does not exist.</summary>
    ValueTask<bool> TryUpdateAsync(Tenant tenant, CancellationToken cancellationToken = default);
}

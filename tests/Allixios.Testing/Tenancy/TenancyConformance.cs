using Allixios.Tenancy;
using Xunit;

namespace Allixios.Testing.Tenancy;

/// <summary>
/// The base of the tenancy conformance suites: gives each test a fresh <see cref="TenancyStores"/> from the
/// implementation under test, and the sample data the suites share.
/// </summary>
public abstract class TenancyConformance : IAsyncLifetime
{
    /// <summary>A fixed moment the suites count from; whole seconds, so every store keeps it exactly.</summary>
    protected static readonly DateTimeOffset T0 = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private TenancyStores? _stores;

    /// <summary>The stores of the implementation under test, fresh for this test.</summary>
    protected TenancyStores Stores => _stores ?? throw new InvalidOperationException("The stores are created in InitializeAsync, before each test.");

    /// <summary>Creates a fresh, empty store set: no tenants, keys or audit entries, and none shared with another test.</summary>
    protected abstract Task<TenancyStores> CreateStoresAsync();

    /// <inheritdoc />
    public async Task InitializeAsync() => _stores = await CreateStoresAsync();

    /// <inheritdoc />
    public virtual Task DisposeAsync() => Task.CompletedTask;

    /// <summary>A tenant as a store receives it.</summary>
    protected static Tenant SampleTenant(string id, DateTimeOffset? at = null, string? displayName = null) => new(
        id,
        displayName ?? "Tenant " + id,
        new Dictionary<string, long> { ["jobs.concurrency"] = 4 },
        new Dictionary<string, bool> { ["search.semantic"] = true },
        at ?? T0,
        at ?? T0);

    /// <summary>A key as a store receives it.</summary>
    protected static ApiKey SampleKey(string tenantId, string keyId, DateTimeOffset? createdAt = null, DateTimeOffset? expiresAt = null) => new(
        keyId,
        tenantId,
        "key " + keyId,
        [ApiScopes.ContentRead, ApiScopes.JobsWrite],
        "alx_" + keyId,
        createdAt ?? T0,
        expiresAt,
        RevokedAt: null,
        LastUsedAt: null);

    /// <summary>A secret hash that differs for each <paramref name="seed"/>.</summary>
    protected static byte[] SampleHash(string seed) => ApiKeySecret.Hash("secret of " + seed);

    /// <summary>Adds <paramref name="tenantId"/> to the store, so keys can be created for it.</summary>
    protected async Task<Tenant> AddTenantAsync(string tenantId, DateTimeOffset? at = null)
    {
        var tenant = SampleTenant(tenantId, at);
        Assert.True(await Stores.Tenants.TryCreateAsync(tenant), $"Tenant '{tenantId}' should be new.");
        return tenant;
    }

    /// <summary>Adds a key (and returns it) with a hash made from its id.</summary>
    protected async Task<ApiKey> AddKeyAsync(string tenantId, string keyId, DateTimeOffset? createdAt = null, DateTimeOffset? expiresAt = null)
    {
        var key = SampleKey(tenantId, keyId, createdAt, expiresAt);
        await Stores.ApiKeys.CreateAsync(key, SampleHash(keyId));
        return key;
    }
}

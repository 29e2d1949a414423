using Allixios.Tenancy;
using Allixios.Testing.Tenancy;

namespace Allixios.Sdk.Tests.Tenancy;

// The embedded default stores against the conformance suites that the PostgreSQL stores also pass.

public sealed class InMemoryTenantStoreConformanceTests : TenantStoreConformance
{
    protected override Task<TenancyStores> CreateStoresAsync() => Task.FromResult(InMemoryStores.Create());
}

public sealed class InMemoryApiKeyStoreConformanceTests : ApiKeyStoreConformance
{
    protected override Task<TenancyStores> CreateStoresAsync() => Task.FromResult(InMemoryStores.Create());
}

public sealed class InMemoryAuditLogConformanceTests : AuditLogConformance
{
    protected override Task<TenancyStores> CreateStoresAsync() => Task.FromResult(InMemoryStores.Create());
}

public sealed class InMemoryTenantAdministrationConformanceTests : TenantAdministrationConformance
{
    protected override Task<TenancyStores> CreateStoresAsync() => Task.FromResult(InMemoryStores.Create());
}

internal static class InMemoryStores
{
    public static TenancyStores Create()
    {
        var tenants = new InMemoryTenantStore();
        return new TenancyStores(tenants, new InMemoryApiKeyStore(tenants), new InMemoryAuditLog());
    }
}

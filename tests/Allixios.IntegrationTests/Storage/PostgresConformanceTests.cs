using Allixios.Testing.Tenancy;
using Xunit;

namespace Allixios.IntegrationTests.Storage;

// The PostgreSQL stores against the conformance suites that the in-memory stores also pass. Each class has its own
// migrated database (class fixture); each test empties the tables first.

public sealed class PostgresTenantStoreConformanceTests(MigratedPostgresDatabase database) : TenantStoreConformance, IClassFixture<MigratedPostgresDatabase>
{
    protected override async Task<TenancyStores> CreateStoresAsync()
    {
        await database.ResetAsync();
        return database.CreateStores();
    }
}

public sealed class PostgresApiKeyStoreConformanceTests(MigratedPostgresDatabase database) : ApiKeyStoreConformance, IClassFixture<MigratedPostgresDatabase>
{
    protected override async Task<TenancyStores> CreateStoresAsync()
    {
        await database.ResetAsync();
        return database.CreateStores();
    }
}

public sealed class PostgresAuditLogConformanceTests(MigratedPostgresDatabase database) : AuditLogConformance, IClassFixture<MigratedPostgresDatabase>
{
    protected override async Task<TenancyStores> CreateStoresAsync()
    {
        await database.ResetAsync();
        return database.CreateStores();
    }
}

public sealed class PostgresTenantAdministrationConformanceTests(MigratedPostgresDatabase database) : TenantAdministrationConformance, IClassFixture<MigratedPostgresDatabase>
{
    protected override async Task<TenancyStores> CreateStoresAsync()
    {
        await database.ResetAsync();
        return database.CreateStores();
    }
}

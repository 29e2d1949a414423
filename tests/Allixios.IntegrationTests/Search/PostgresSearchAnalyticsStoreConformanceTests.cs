using Allixios.Search.Analytics;
using Allixios.Testing.Search;
using Xunit;

namespace Allixios.IntegrationTests.Search;

/// <summary>The analytics store conformance suite on PostgreSQL; each test uses tenants of its own in one migrated database.</summary>
public sealed class PostgresSearchAnalyticsStoreConformanceTests(MigratedPostgresDatabase database) : SearchAnalyticsStoreConformance, IClassFixture<MigratedPostgresDatabase>
{
    protected override Task<ISearchAnalyticsStore> CreateStoreAsync() => Task.FromResult<ISearchAnalyticsStore>(new PostgresSearchAnalyticsStore(database.DataSource));
}

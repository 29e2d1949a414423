using Allixios.Search;
using Allixios.Testing.Search;
using Microsoft.Extensions.Options;
using Xunit;

namespace Allixios.IntegrationTests.Search;

// The PostgreSQL index against the conformance suite that the in-memory index also passes. The class has its own
// migrated database; each test uses its own tenants.
public sealed class PostgresSearchIndexConformanceTests(MigratedPostgresDatabase database) : SearchIndexConformance, IClassFixture<MigratedPostgresDatabase>
{
    protected override Task<ISearchIndex> CreateIndexAsync()
        => Task.FromResult<ISearchIndex>(new PostgresSearchIndex(database.DataSource, Options.Create(new SearchOptions()), TimeProvider.System));
}

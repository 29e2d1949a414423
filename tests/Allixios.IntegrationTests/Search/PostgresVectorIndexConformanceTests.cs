using Allixios.Search.Vectors;
using Allixios.Testing.Search;
using Xunit;

namespace Allixios.IntegrationTests.Search;

/// <summary>The vector index conformance suite on pgvector; each test uses tenants of its own in one migrated database.</summary>
public sealed class PostgresVectorIndexConformanceTests(MigratedPostgresDatabase database) : VectorIndexConformance, IClassFixture<MigratedPostgresDatabase>
{
    protected override Task<IVectorIndex> CreateIndexAsync() => Task.FromResult<IVectorIndex>(new PostgresVectorIndex(database.DataSource));
}

using Allixios.Testing.Usage;
using Allixios.Usage;
using Xunit;

namespace Allixios.IntegrationTests.Usage;

// The PostgreSQL counters against the suite that the in-memory and Redis counters also pass.
public sealed class PostgresRateLimitCounterStoreConformanceTests(MigratedPostgresDatabase database) : RateLimitCounterStoreConformance, IClassFixture<MigratedPostgresDatabase>
{
    protected override Task<IRateLimitCounterStore> CreateStoreAsync() =>
        Task.FromResult<IRateLimitCounterStore>(new PostgresRateLimitCounterStore(database.DataSource));
}

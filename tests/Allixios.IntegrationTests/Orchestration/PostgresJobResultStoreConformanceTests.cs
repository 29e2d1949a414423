using Allixios.Orchestration;
using Allixios.Testing.Orchestration;
using Xunit;

namespace Allixios.IntegrationTests.Orchestration;

// The PostgreSQL result store against the conformance suite that the in-memory one also passes.
public sealed class PostgresJobResultStoreConformanceTests(MigratedPostgresDatabase database) : JobResultStoreConformance, IClassFixture<MigratedPostgresDatabase>
{
    protected override async Task<(IJobQueue Queue, IJobResultStore Results)> CreateAsync(TimeProvider time)
    {
        await using (var truncate = database.DataSource.CreateCommand("TRUNCATE job_results, job_events, jobs"))
        {
            await truncate.ExecuteNonQueryAsync();
        }

        return (new PostgresJobQueue(database.DataSource, time), new PostgresJobResultStore(database.DataSource, time));
    }
}

using Allixios.Orchestration;
using Allixios.Testing.Orchestration;
using Xunit;

namespace Allixios.IntegrationTests.Orchestration;

// The PostgreSQL queue against the conformance suite that the in-memory queue also passes. The class has its own
// migrated database; each test empties the job tables first.
public sealed class PostgresJobQueueConformanceTests(MigratedPostgresDatabase database) : JobQueueConformance, IClassFixture<MigratedPostgresDatabase>
{
    protected override async Task<IJobQueue> CreateQueueAsync(TimeProvider time)
    {
        await using (var truncate = database.DataSource.CreateCommand("TRUNCATE job_events, jobs"))
        {
            await truncate.ExecuteNonQueryAsync();
        }

        return new PostgresJobQueue(database.DataSource, time);
    }
}

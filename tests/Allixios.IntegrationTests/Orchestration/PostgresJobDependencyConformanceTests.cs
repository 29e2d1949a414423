using Allixios.Orchestration;
using Allixios.Testing.Orchestration;
using Xunit;

namespace Allixios.IntegrationTests.Orchestration;

// Workflows on the PostgreSQL queue, against the suite the in-memory queue also passes.
public sealed class PostgresJobDependencyConformanceTests(MigratedPostgresDatabase database) : JobDependencyConformance, IClassFixture<MigratedPostgresDatabase>
{
    protected override async Task<IJobQueue> CreateQueueAsync(TimeProvider time)
    {
        await using (var truncate = database.DataSource.CreateCommand("TRUNCATE job_dependencies, job_events, jobs"))
        {
            await truncate.ExecuteNonQueryAsync();
        }

        return new PostgresJobQueue(database.DataSource, time);
    }
}

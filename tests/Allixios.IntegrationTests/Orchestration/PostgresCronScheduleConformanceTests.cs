using Allixios.Orchestration;
using Allixios.Testing.Orchestration;
using Xunit;

namespace Allixios.IntegrationTests.Orchestration;

// Cron schedules in PostgreSQL, firing into the PostgreSQL queue, against the suite the in-memory store also passes.
public sealed class PostgresCronScheduleConformanceTests(MigratedPostgresDatabase database) : CronScheduleConformance, IClassFixture<MigratedPostgresDatabase>
{
    protected override async Task<ICronScheduleStore> CreateStoreAsync()
    {
        await using var truncate = database.DataSource.CreateCommand("TRUNCATE cron_schedules, job_dependencies, job_events, jobs");
        await truncate.ExecuteNonQueryAsync();
        return new PostgresCronScheduleStore(database.DataSource);
    }

    protected override Task<IJobQueue> CreateQueueAsync(TimeProvider time) => Task.FromResult<IJobQueue>(new PostgresJobQueue(database.DataSource, time));
}

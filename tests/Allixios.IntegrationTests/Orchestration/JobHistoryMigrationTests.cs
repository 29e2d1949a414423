using Allixios.Orchestration;
using Allixios.Storage;
using Allixios.Testing.Storage;
using Microsoft.Extensions.Options;
using Xunit;

namespace Allixios.IntegrationTests.Orchestration;

/// <summary>
/// Migration 0010 reads a job's creation and success events from its row instead of storing them; rolling it back must
/// store them, so the history stays whole and in order, and jobs from before it must keep their stored events. Migration
/// 0020 does the same for the lease event.
/// </summary>
public sealed class JobHistoryMigrationTests
{
    private const int LeanWrites = 10;
    private const int DerivedLeaseEvents = 20;

    [Fact]
    public async Task Rolling_back_the_lean_writes_migration_stores_the_derived_events_so_the_history_reads_the_same()
    {
        await using var database = await PostgresTestDatabase.CreateAsync();
        var dataSource = database.CreateDataSource();
        var runner = new MigrationRunner(dataSource);
        await runner.MigrateAsync();
        var (job, before) = await RunOneJobAsync(dataSource);
        Assert.Equal([null, JobState.Available, JobState.Running], before.Select(e => e.From));
        Assert.Equal([JobState.Available, JobState.Running, JobState.Succeeded], before.Select(e => e.To));

        await runner.MigrateToAsync(LeanWrites - 1);

        await using var scope = await PostgresScope.ForSystemAsync(dataSource);
        await using var command = scope.CreateCommand("SELECT from_state, to_state, worker, attempt FROM job_events WHERE job_id = $1 ORDER BY event_id");
        command.Parameters.Add(new() { Value = job });
        var stored = new List<(string?, string, string?, int)>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                stored.Add((reader.IsDBNull(0) ? null : reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetInt32(3)));
            }
        }

        Assert.Equal([(null, "available", null, 0), ("available", "running", "w1", 1), ("running", "succeeded", "w1", 1)], stored);
    }

    [Fact]
    public async Task A_job_enqueued_before_the_lean_writes_migration_keeps_its_stored_history_when_it_succeeds_after_it()
    {
        await using var database = await PostgresTestDatabase.CreateAsync();
        var dataSource = database.CreateDataSource();
        var runner = new MigrationRunner(dataSource);
        await runner.MigrateToAsync(LeanWrites - 1);
        var queue = new PostgresJobQueue(dataSource, TimeProvider.System);
        // Before 0010 the queue stored the creation event; this is what it wrote.
        var job = Guid.CreateVersion7();
        await using (var scope = await PostgresScope.ForTenantAsync(dataSource, "tenant-a"))
        {
            foreach (var sql in new[]
            {
                """
                INSERT INTO jobs (job_id, tenant_id, job_type, payload, priority, state, attempt, max_attempts, run_at, timeout, created_at, updated_at)
                VALUES ($1, 'tenant-a', 'noop', '{}', 0, 'available', 0, 3, now(), '5 min', now(), now())
                """,
                "INSERT INTO job_events (job_id, tenant_id, at, from_state, to_state, attempt) VALUES ($1, 'tenant-a', now(), NULL, 'available', 0)",
            })
            {
                await using var insert = scope.CreateCommand(sql);
                insert.Parameters.Add(new() { Value = job });
                await insert.ExecuteNonQueryAsync();
            }

            await scope.CommitAsync();
        }

        await runner.MigrateAsync();
        var lease = Assert.Single(await queue.DequeueAsync(new DequeueRequest("w1", 10, TimeSpan.FromMinutes(1))));
        Assert.True(await queue.CompleteAsync(lease));

        var history = await queue.GetHistoryAsync("tenant-a", job);
        Assert.Equal([JobState.Available, JobState.Running, JobState.Succeeded], history.Select(e => e.To));
        Assert.Equal([null, "w1", "w1"], history.Select(e => e.Worker));
    }

    [Fact]
    public async Task Rolling_back_the_derived_lease_events_migration_stores_them_so_every_history_reads_the_same()
    {
        await using var database = await PostgresTestDatabase.CreateAsync();
        var dataSource = database.CreateDataSource();
        var runner = new MigrationRunner(dataSource);
        await runner.MigrateAsync();
        var queue = new PostgresJobQueue(dataSource, TimeProvider.System);
        var client = new JobClient(queue, new JobTypeRegistry([new JobTypeRegistration("noop", null)]), Options.Create(new OrchestrationOptions()), TimeProvider.System);
        var jobs = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            jobs.Add((await client.EnqueueAsync("tenant-a", new NewJob("noop", "{}"))).Job.Id);
        }

        // One succeeds, one stays running, one reports progress (which stores its lease event) and stays running.
        var leases = await queue.DequeueAsync(new DequeueRequest("w1", 10, TimeSpan.FromMinutes(1)));
        Assert.Equal(3, leases.Count);
        Assert.True(await queue.CompleteAsync(leases.Single(l => l.Job.Id == jobs[0])));
        Assert.True(await queue.ReportProgressAsync(leases.Single(l => l.Job.Id == jobs[2]), new JobProgress(50, "half")));
        var before = new List<IReadOnlyList<JobEvent>>();
        foreach (var job in jobs)
        {
            before.Add(await queue.GetHistoryAsync("tenant-a", job));
        }

        Assert.Equal([JobState.Available, JobState.Running, JobState.Succeeded], before[0].Select(e => e.To));
        Assert.Equal([null, "w1", "w1"], before[0].Select(e => e.Worker));
        Assert.Equal([JobState.Available, JobState.Running], before[1].Select(e => e.To));
        Assert.Equal([JobState.Available, JobState.Running, JobState.Running], before[2].Select(e => e.To));

        await runner.MigrateToAsync(DerivedLeaseEvents - 1);

        for (var i = 0; i < jobs.Count; i++)
        {
            Assert.Equal(before[i], await queue.GetHistoryAsync("tenant-a", jobs[i]));
        }

        Assert.Null((await queue.GetAsync("tenant-a", jobs[0]))!.LeaseOwner);
    }

    private static async Task<(Guid Job, IReadOnlyList<JobEvent> History)> RunOneJobAsync(Npgsql.NpgsqlDataSource dataSource)
    {
        var queue = new PostgresJobQueue(dataSource, TimeProvider.System);
        var client = new JobClient(queue, new JobTypeRegistry([new JobTypeRegistration("noop", null)]), Options.Create(new OrchestrationOptions()), TimeProvider.System);
        var job = (await client.EnqueueAsync("tenant-a", new NewJob("noop", "{}"))).Job;
        var lease = Assert.Single(await queue.DequeueAsync(new DequeueRequest("w1", 10, TimeSpan.FromMinutes(1))));
        Assert.True(await queue.CompleteAsync(lease));
        return (job.Id, await queue.GetHistoryAsync("tenant-a", job.Id));
    }
}

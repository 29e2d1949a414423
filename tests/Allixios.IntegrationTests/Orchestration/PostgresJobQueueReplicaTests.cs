using System.Collections.Concurrent;
using Allixios.Orchestration;
using Allixios.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;
using Xunit;

namespace Allixios.IntegrationTests.Orchestration;

/// <summary>
/// The PostgreSQL queue shared by several replicas, each with its own data source (its own connection pool), as
/// separate runtime processes would have: no job is leased or completed twice, and a dead worker's job is rescued.
/// </summary>
public sealed class PostgresJobQueueReplicaTests(MigratedPostgresDatabase database) : IClassFixture<MigratedPostgresDatabase>, IAsyncLifetime
{
    private static readonly string[] Tenants = ["tenant-a", "tenant-b", "tenant-c"];

    public async Task InitializeAsync()
    {
        await using var truncate = database.DataSource.CreateCommand("TRUNCATE job_events, jobs");
        await truncate.ExecuteNonQueryAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact(Timeout = 120_000)]
    public async Task Concurrent_workers_on_separate_replicas_complete_every_job_exactly_once()
    {
        const int Jobs = 300;
        var replicas = Enumerable.Range(0, 4).Select(_ => new PostgresJobQueue(database.Database.CreateDataSource(), TimeProvider.System)).ToList();
        var client = Client(replicas[0]);
        var ids = new List<Guid>();
        for (var i = 0; i < Jobs; i++)
        {
            ids.Add((await client.EnqueueAsync(Tenants[i % Tenants.Length], new NewJob("noop", "{}") { Priority = i % 10 })).Job.Id);
        }

        var completions = new ConcurrentDictionary<Guid, int>();
        var leases = new ConcurrentBag<JobLease>();
        var workers = replicas
            .SelectMany((queue, r) => Enumerable.Range(0, 3).Select(w => Task.Run(async () =>
            {
                while (true)
                {
                    var batch = await queue.DequeueAsync(new DequeueRequest($"replica-{r}/worker-{w}", 5, TimeSpan.FromMinutes(5)));
                    if (batch.Count == 0)
                    {
                        return;
                    }

                    foreach (var lease in batch)
                    {
                        leases.Add(lease);
                        if (await queue.CompleteAsync(lease))
                        {
                            completions.AddOrUpdate(lease.Job.Id, 1, (_, n) => n + 1);
                        }
                    }
                }
            })))
            .ToList();
        await Task.WhenAll(workers);

        Assert.Equal(Jobs, leases.Count);
        Assert.Equal(ids.Order(), completions.Keys.Order());
        Assert.All(completions.Values, n => Assert.Equal(1, n));
        foreach (var lease in leases)
        {
            Assert.False(await replicas[(int)(lease.Token.GetHashCode() & 3)].CompleteAsync(lease));
        }

        await using var system = await PostgresScope.ForSystemAsync(database.DataSource);
        Assert.Equal((long)Jobs, await ScalarAsync(system, "SELECT count(*) FROM jobs WHERE state = 'succeeded' AND attempt = 1"));
        Assert.Equal((long)Jobs, await ScalarAsync(system, "SELECT count(*) FROM job_history WHERE to_state = 'succeeded'"));
        Assert.Equal((long)Jobs, await ScalarAsync(system, "SELECT count(*) FROM job_history WHERE to_state = 'running'"));
        Assert.Equal(3L, await ScalarAsync(system, "SELECT count(DISTINCT tenant_id) FROM jobs"));
        foreach (var replica in replicas)
        {
            await replica.DisposeAsync();
        }
    }

    [Fact(Timeout = 120_000)]
    public async Task A_job_whose_worker_stopped_heartbeating_is_rescued_by_another_replicas_worker_and_completed_exactly_once()
    {
        // Replica A leases the job and then never heartbeats: it died.
        await using var replicaA = new PostgresJobQueue(database.Database.CreateDataSource(), TimeProvider.System);
        var client = Client(replicaA);
        var job = (await client.EnqueueAsync("tenant-a", new NewJob("noop", "{}"))).Job;
        var abandoned = Assert.Single(await replicaA.DequeueAsync(new DequeueRequest("replica-a", 10, TimeSpan.FromSeconds(1))));

        // Replica B is a real host with the hosted worker on its own data source.
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddSingleton<CompletionProbe>();
        builder.Services.AddAllixios(o => o.InstanceName = "replica-b")
            .UsePostgres(database.Database.ConnectionString)
            .AddOrchestration(o =>
            {
                o.LeaseDuration = TimeSpan.FromSeconds(2);
                o.HeartbeatInterval = TimeSpan.FromMilliseconds(200);
                o.MaintenanceInterval = TimeSpan.FromMilliseconds(200);
                o.PollInterval = TimeSpan.FromMilliseconds(100);
            })
            .AddJobHandler<CountingHandler>("noop");
        using var replicaB = builder.Build();
        await replicaB.StartAsync();
        try
        {
            Job done;
            while (true)
            {
                done = (await replicaA.GetAsync("tenant-a", job.Id))!;
                if (done.State == JobState.Succeeded)
                {
                    break;
                }

                await Task.Delay(50);
            }

            Assert.False(await replicaA.CompleteAsync(abandoned));
            Assert.False(await replicaA.HeartbeatAsync(abandoned, TimeSpan.FromMinutes(1)));
            Assert.Equal(2, done.Attempt);
            Assert.Equal([job.Id], replicaB.Services.GetRequiredService<CompletionProbe>().Handled);
            var history = await replicaA.GetHistoryAsync("tenant-a", job.Id);
            Assert.Equal(
                [JobState.Available, JobState.Running, JobState.Retrying, JobState.Available, JobState.Running, JobState.Succeeded],
                history.Select(e => e.To));
            Assert.Equal("replica-a", history[2].Worker);
            Assert.StartsWith("replica-b/", history[^1].Worker, StringComparison.Ordinal);
        }
        finally
        {
            await replicaB.StopAsync();
        }
    }

    [Fact(Timeout = 120_000)]
    public async Task Two_hosted_workers_on_one_database_share_the_jobs_and_run_each_exactly_once()
    {
        const int Jobs = 60;
        var hosts = new List<IHost>();
        for (var i = 0; i < 2; i++)
        {
            var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
            builder.Services.AddSingleton<CompletionProbe>();
            builder.Services.AddAllixios(o => o.InstanceName = $"host-{i}")
                .UsePostgres(database.Database.ConnectionString)
                .AddOrchestration(o =>
                {
                    o.Concurrency = 4;
                    o.PollInterval = TimeSpan.FromMilliseconds(100);
                })
                .AddJobHandler<CountingHandler>("noop");
            var host = builder.Build();
            await host.StartAsync();
            hosts.Add(host);
        }

        try
        {
            var client = hosts[0].Services.GetRequiredService<JobClient>();
            var ids = new List<Guid>();
            for (var i = 0; i < Jobs; i++)
            {
                ids.Add((await client.EnqueueAsync(Tenants[i % Tenants.Length], new NewJob("noop", "{}"))).Job.Id);
            }

            await using var system = await PostgresScope.ForSystemAsync(database.DataSource);
            while (await ScalarAsync(system, "SELECT count(*) FROM jobs WHERE state <> 'succeeded'") > 0)
            {
                await Task.Delay(50);
            }

            var handled = hosts.SelectMany(h => h.Services.GetRequiredService<CompletionProbe>().Handled).ToList();
            Assert.Equal(ids.Order(), handled.Order());
            Assert.Equal((long)Jobs, await ScalarAsync(system, "SELECT count(*) FROM job_history WHERE to_state = 'succeeded'"));
            Assert.Equal((long)Jobs, await ScalarAsync(system, "SELECT count(*) FROM jobs WHERE attempt = 1"));
        }
        finally
        {
            foreach (var host in hosts)
            {
                await host.StopAsync();
                host.Dispose();
            }
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task A_job_enqueued_on_one_replica_wakes_a_worker_waiting_on_another()
    {
        await using var waiter = new PostgresJobQueue(database.Database.CreateDataSource(), TimeProvider.System);
        await using var enqueuer = new PostgresJobQueue(database.Database.CreateDataSource(), TimeProvider.System);
        // The first waits start the listener; a wake-up meant for an earlier job may end them early, which is allowed.
        await waiter.WaitForWorkAsync(TimeSpan.FromMilliseconds(200));
        await waiter.WaitForWorkAsync(TimeSpan.FromMilliseconds(200));
        var waiting = waiter.WaitForWorkAsync(Timeout.InfiniteTimeSpan);

        await Client(enqueuer).EnqueueAsync("tenant-b", new NewJob("noop", "{}"));

        await waiting;
        Assert.Single(await waiter.DequeueAsync(new DequeueRequest("w", 10, TimeSpan.FromMinutes(1))));
    }

    [Fact]
    public async Task Job_rows_and_their_history_are_isolated_by_tenant_by_row_level_security()
    {
        var queue = new PostgresJobQueue(database.DataSource, TimeProvider.System);
        foreach (var tenant in Tenants)
        {
            await Client(queue).EnqueueAsync(tenant, new NewJob("noop", "{}"));
        }

        await using (var scope = await PostgresScope.ForTenantAsync(database.DataSource, "tenant-b"))
        {
            Assert.Equal(1L, await ScalarAsync(scope, "SELECT count(*) FROM jobs"));
            Assert.Equal(1L, await ScalarAsync(scope, "SELECT count(*) FROM job_history"));
            Assert.Equal(0L, await ScalarAsync(scope, "SELECT count(*) FROM jobs WHERE tenant_id <> 'tenant-b'"));
            var error = await Assert.ThrowsAsync<PostgresException>(() => scope.CreateCommand("UPDATE jobs SET tenant_id = 'tenant-a'").ExecuteNonQueryAsync());
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, error.SqlState);
        }

        await using var connection = await database.DataSource.OpenConnectionAsync();
        await using var unscoped = new NpgsqlCommand("SELECT (SELECT count(*) FROM jobs) + (SELECT count(*) FROM job_events) + (SELECT count(*) FROM job_history)", connection);
        Assert.Equal(0L, (long)(await unscoped.ExecuteScalarAsync())!);
    }

    private static JobClient Client(IJobQueue queue) => new(
        queue,
        new JobTypeRegistry([new JobTypeRegistration("noop", null)]),
        Options.Create(new OrchestrationOptions()),
        TimeProvider.System);

    private static async Task<long> ScalarAsync(PostgresScope scope, string sql)
    {
        await using var command = scope.CreateCommand(sql);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public sealed class CompletionProbe
    {
        public ConcurrentQueue<Guid> Handled { get; } = new();
    }

    public sealed class CountingHandler(CompletionProbe probe) : IJobHandler<object>
    {
        public ValueTask HandleAsync(JobContext<object> context)
        {
            probe.Handled.Enqueue(context.Job.Id);
            return ValueTask.CompletedTask;
        }
    }
}

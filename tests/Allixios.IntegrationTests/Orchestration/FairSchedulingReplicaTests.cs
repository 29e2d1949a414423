using Allixios.Orchestration;
using Allixios.Storage;
using Allixios.Tenancy;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit;

namespace Allixios.IntegrationTests.Orchestration;

/// <summary>The fair scheduler's per-tenant concurrency cap on real PostgreSQL, held by two replicas together.</summary>
public sealed class FairSchedulingReplicaTests(MigratedPostgresDatabase database) : IClassFixture<MigratedPostgresDatabase>, IAsyncLifetime
{
    public async Task InitializeAsync()
    {
        await using var truncate = database.DataSource.CreateCommand("TRUNCATE job_events, jobs");
        await truncate.ExecuteNonQueryAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact(Timeout = 120_000)]
    public async Task Two_replicas_together_never_run_more_of_a_tenants_jobs_than_its_concurrency_cap()
    {
        const int Jobs = 30;
        const int Cap = 2;
        var tenant = $"capped-{Guid.NewGuid().ToString("N")[..8]}";
        var probe = new ConcurrencyProbe();
        var hosts = new List<IHost>();
        for (var i = 0; i < 2; i++)
        {
            // Each replica alone could run 4 of the tenant's jobs at once, 8 together: only the shared cap keeps it at 2.
            var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
            builder.Services.AddSingleton(probe);
            builder.Services.AddAllixios(o => o.InstanceName = $"replica-{i}")
                .UsePostgres(database.Database.ConnectionString)
                .AddOrchestration(o =>
                {
                    o.Concurrency = 4;
                    o.PollInterval = TimeSpan.FromMilliseconds(50);
                    o.BacklogRefreshInterval = TimeSpan.FromMilliseconds(20);
                })
                .AddJobHandler<SlowHandler>("noop");
            hosts.Add(builder.Build());
        }

        var tenants = hosts[0].Services.GetRequiredService<ITenantStore>();
        var now = DateTimeOffset.UtcNow;
        Assert.True(await tenants.TryCreateAsync(new Tenant(tenant, "Capped", new Dictionary<string, long> { [FairScheduler.ConcurrencyLimit] = Cap }, new Dictionary<string, bool>(), now, now)));
        var client = hosts[0].Services.GetRequiredService<JobClient>();
        for (var i = 0; i < Jobs; i++)
        {
            await client.EnqueueAsync(tenant, new NewJob("noop", "{}"));
        }

        foreach (var host in hosts)
        {
            await host.StartAsync();
        }

        try
        {
            await using var system = await PostgresScope.ForSystemAsync(database.DataSource);
            long mostRunningInStore = 0;
            while (await ScalarAsync(system, "SELECT count(*) FROM jobs WHERE state <> 'succeeded'") > 0)
            {
                mostRunningInStore = Math.Max(mostRunningInStore, await ScalarAsync(system, "SELECT count(*) FROM jobs WHERE state = 'running'"));
                await Task.Delay(10);
            }

            Assert.Equal(Jobs, probe.Handled);
            Assert.InRange(probe.MostAtOnce, 1, Cap);
            Assert.InRange(mostRunningInStore, 0, Cap);
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

    private static async Task<long> ScalarAsync(PostgresScope scope, string sql)
    {
        await using var command = scope.CreateCommand(sql);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public sealed class ConcurrencyProbe
    {
        private readonly Lock _gate = new();
        private int _now;

        public int MostAtOnce { get; private set; }

        public int Handled { get; private set; }

        public void Start()
        {
            lock (_gate)
            {
                _now++;
                MostAtOnce = Math.Max(MostAtOnce, _now);
            }
        }

        public void Stop()
        {
            lock (_gate)
            {
                _now--;
                Handled++;
            }
        }
    }

    public sealed class SlowHandler(ConcurrencyProbe probe) : IJobHandler<object>
    {
        public async ValueTask HandleAsync(JobContext<object> context)
        {
            probe.Start();
            try
            {
                // Long enough that leases of both replicas overlap, so an unshared cap would show.
                await Task.Delay(TimeSpan.FromMilliseconds(40), context.CancellationToken);
            }
            finally
            {
                probe.Stop();
            }
        }
    }
}

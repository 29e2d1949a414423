using Allixios.Orchestration;
using Allixios.Storage;
using Allixios.Usage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit;

namespace Allixios.IntegrationTests.Usage;

/// <summary>Budgets held on real PostgreSQL by fifty workers in two replicas at once.</summary>
public sealed class BudgetReplicaTests(MigratedPostgresDatabase database) : IClassFixture<MigratedPostgresDatabase>, IAsyncLifetime
{
    public async Task InitializeAsync()
    {
        await using var truncate = database.DataSource.CreateCommand("TRUNCATE job_events, jobs, budget_holds, budget_reservations, budgets");
        await truncate.ExecuteNonQueryAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact(Timeout = 180_000)]
    public async Task Fifty_concurrent_workers_against_one_budget_never_spend_more_than_it_plus_one_jobs_maximum_cost()
    {
        const int Jobs = 120;
        const decimal Limit = 20m;
        const decimal MaxCost = 1m;
        var tenant = $"budgeted-{Guid.NewGuid().ToString("N")[..8]}";
        var probe = new SpendProbe();
        var hosts = new List<IHost>();
        for (var i = 0; i < 2; i++)
        {
            // 25 workers in each of two replicas, each with its own connections: only the shared rows keep the budget.
            var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
            builder.Services.AddSingleton(probe);
            builder.Services.Configure<JobAdmissionOptions>(o => o.HeldBudgetRetryDelay = TimeSpan.FromMilliseconds(100));
            builder.Services.AddAllixios(o => o.InstanceName = $"replica-{i}")
                .UsePostgres(database.Database.ConnectionString)
                .AddOrchestration(o =>
                {
                    o.Concurrency = 25;
                    o.PollInterval = TimeSpan.FromMilliseconds(50);
                    o.BacklogRefreshInterval = TimeSpan.FromMilliseconds(20);
                })
                .AddJobHandler<SpendingHandler>("generate");
            hosts.Add(builder.Build());
        }

        // Held jobs wait for the budget's next day, which starts at midnight UTC: a run that straddled it would see two
        // days' budgets. So a run that would start in the last minute and a half of the day waits for the new one.
        var untilMidnight = DateTimeOffset.UtcNow.Date.AddDays(1) - DateTime.UtcNow;
        if (untilMidnight < TimeSpan.FromSeconds(90))
        {
            await Task.Delay(untilMidnight + TimeSpan.FromSeconds(1));
        }

        var budgets = hosts[0].Services.GetRequiredService<BudgetClient>();
        var budget = await budgets.CreateAsync(tenant, new NewBudget(BudgetPeriod.Day, "USD", Limit));
        var client = hosts[0].Services.GetRequiredService<JobClient>();
        for (var i = 0; i < Jobs; i++)
        {
            await client.EnqueueAsync(tenant, new NewJob("generate", "{}") { EstimatedCost = MaxCost });
        }

        foreach (var host in hosts)
        {
            await host.StartAsync();
        }

        try
        {
            await using var system = await PostgresScope.ForSystemAsync(database.DataSource);
            decimal mostCommitted = 0;
            // Done when every job has run or waits for the budget's next window. Not "within the hour": late in the UTC
            // day the next window is less than an hour away, and the loop never ended.
            while (await ScalarAsync(system, "SELECT count(*) FROM jobs WHERE state IN ('available', 'running') OR (state = 'retrying' AND run_at < @windowEnd)", budget.WindowEnd) > 0)
            {
                var current = await budgets.GetAsync(tenant, budget.Id);
                mostCommitted = Math.Max(mostCommitted, current.Spent + current.Reserved);
                await Task.Delay(10);
            }

            var final = await budgets.GetAsync(tenant, budget.Id);
            Assert.InRange(final.Spent, Limit - MaxCost, Limit + MaxCost);
            Assert.Equal(probe.Spent, final.Spent);
            Assert.Equal(0m, final.Reserved);
            Assert.InRange(mostCommitted, 0m, Limit);
            Assert.True(probe.MostAtOnce > 1, $"The workers never ran two jobs at once (most: {probe.MostAtOnce}).");
            var succeeded = await ScalarAsync(system, "SELECT count(*) FROM jobs WHERE state = 'succeeded'");
            Assert.Equal(probe.Handled, succeeded);
            Assert.Equal(Jobs - succeeded, await ScalarAsync(system, "SELECT count(*) FROM jobs WHERE state = 'retrying' AND attempt = 0 AND last_error LIKE 'Not admitted: Budget%'"));
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

    private static async Task<long> ScalarAsync(PostgresScope scope, string sql, DateTimeOffset? windowEnd = null)
    {
        await using var command = scope.CreateCommand(sql);
        if (windowEnd is { } end)
        {
            command.Parameters.AddWithValue("windowEnd", end);
        }

        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>What the handlers spent and how many ran at once, across both replicas.</summary>
    public sealed class SpendProbe
    {
        private readonly Lock _gate = new();
        private int _running;

        public decimal Spent { get; private set; }

        public long Handled { get; private set; }

        public int MostAtOnce { get; private set; }

        public void Start()
        {
            lock (_gate)
            {
                MostAtOnce = Math.Max(MostAtOnce, ++_running);
            }
        }

        public void Finish(decimal cost)
        {
            lock (_gate)
            {
                _running--;
                Spent += cost;
                Handled++;
            }
        }
    }

    public sealed class SpendingHandler(SpendProbe probe) : IJobHandler<object>
    {
        public async ValueTask HandleAsync(JobContext<object> context)
        {
            ArgumentNullException.ThrowIfNull(context);
            probe.Start();
            await Task.Delay(20, context.CancellationToken);

            // Between half and all of the maximum, different per job: the settlement must use what was reported.
            var cost = 0.5m + ((context.Job.Id.GetHashCode() & 0xFF) / 512m);
            context.ReportCost(cost);
            probe.Finish(cost);
        }
    }
}

using System.Collections.Concurrent;
using Allixios.Orchestration;
using Allixios.Usage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit;

namespace Allixios.Sdk.Tests.Orchestration;

/// <summary>The worker's admission step (budgets and resource rate limits) in a real host over the in-memory stores.</summary>
public sealed class JobAdmissionTests
{
    private const string Tenant = "acme-news";

    [Fact(Timeout = 60_000)]
    public async Task A_job_over_its_tenant_budget_is_deferred_to_the_budget_reset_with_the_budget_named_and_its_attempt_not_counted()
    {
        using var host = await StartAsync();
        var (client, budgets) = Clients(host);
        await budgets.CreateAsync(Tenant, new NewBudget(BudgetPeriod.Day, "USD", 1m) { Name = "daily cap" });

        var job = (await client.EnqueueAsync(Tenant, new NewJob("generate", "{}") { EstimatedCost = 2m })).Job;

        var deferred = await WaitAsync(client, job.Id, j => j.State == JobState.Retrying);
        Assert.Equal(0, deferred.Attempt);
        Assert.Contains("Budget 'daily cap'", deferred.LastError, StringComparison.Ordinal);
        Assert.Contains("cannot cover 2 USD", deferred.LastError, StringComparison.Ordinal);
        Assert.Equal(BudgetWindow.End(BudgetPeriod.Day, DateTimeOffset.UtcNow), deferred.RunAt);
        var history = await client.GetHistoryAsync(Tenant, job.Id);
        Assert.Contains(history, e => e.From == JobState.Running && e.To == JobState.Retrying && e.Error!.StartsWith("Not admitted: Budget 'daily cap'", StringComparison.Ordinal));
        Assert.Empty(host.Services.GetRequiredService<Ran>().Jobs);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_job_type_with_the_fail_policy_is_dead_lettered_at_once_when_its_budget_refuses_it()
    {
        using var host = await StartAsync(o => o.JobTypePolicies["generate"] = AdmissionRefusalPolicy.Fail);
        var (client, budgets) = Clients(host);
        await budgets.CreateAsync(Tenant, new NewBudget(BudgetPeriod.Month, "USD", 0m));

        var job = (await client.EnqueueAsync(Tenant, new NewJob("generate", "{}") { EstimatedCost = 0.01m })).Job;

        var dead = await WaitAsync(client, job.Id, j => j.State == JobState.DeadLettered);
        Assert.StartsWith("Not admitted: Budget 'monthly USD budget'", dead.LastError, StringComparison.Ordinal);
        Assert.Empty(host.Services.GetRequiredService<Ran>().Jobs);
    }

    [Fact(Timeout = 60_000)]
    public async Task The_reservation_is_settled_with_the_cost_the_handler_reported_or_released_when_it_failed_without_one()
    {
        using var host = await StartAsync();
        var (client, budgets) = Clients(host);
        var budget = await budgets.CreateAsync(Tenant, new NewBudget(BudgetPeriod.Day, "USD", 10m));

        var reported = (await client.EnqueueAsync(Tenant, new NewJob("generate", """{"cost":0.3}""") { EstimatedCost = 1m })).Job;
        await WaitAsync(client, reported.Id, j => j.State == JobState.Succeeded);
        var estimated = (await client.EnqueueAsync(Tenant, new NewJob("generate", "{}") { EstimatedCost = 1m })).Job;
        await WaitAsync(client, estimated.Id, j => j.State == JobState.Succeeded);
        var failed = (await client.EnqueueAsync(Tenant, new NewJob("generate", """{"fail":true}""") { EstimatedCost = 5m, MaxAttempts = 1 })).Job;
        await WaitAsync(client, failed.Id, j => j.State == JobState.DeadLettered);

        var read = await budgets.GetAsync(Tenant, budget.Id);
        Assert.Equal(1.3m, read.Spent);
        Assert.Equal(0m, read.Reserved);
    }

    [Fact(Timeout = 60_000)]
    public async Task Jobs_of_a_rate_limited_resource_beyond_its_requests_per_minute_are_deferred_to_the_next_minute()
    {
        using var host = await StartAsync(usage: o => o.RateLimits["openai"] = new ResourceRateLimit { RequestsPerMinute = 2 });
        var (client, _) = Clients(host);

        var jobs = new List<Guid>();
        for (var i = 0; i < 4; i++)
        {
            jobs.Add((await client.EnqueueAsync(Tenant, new NewJob("generate", "{}") { Resource = "openai" })).Job.Id);
        }

        var settled = new List<Job>();
        foreach (var id in jobs)
        {
            settled.Add(await WaitAsync(client, id, j => j.State is JobState.Succeeded or JobState.Retrying));
        }

        // A minute boundary may fall between the jobs, so more may run; never more than two per minute.
        var ran = host.Services.GetRequiredService<Ran>().Jobs;
        Assert.InRange(ran.Count, 2, 4);
        Assert.All(settled.Where(j => j.State == JobState.Retrying), j =>
        {
            Assert.Contains("rate limit of resource 'openai'", j.LastError, StringComparison.Ordinal);
            Assert.Equal(0, j.Attempt);
            Assert.Equal(0, j.RunAt.Second);
        });
        Assert.True(settled.Count(j => j.State == JobState.Retrying) >= 4 - ran.Count);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_job_refused_only_because_running_work_holds_the_budget_runs_once_that_work_settles()
    {
        using var host = await StartAsync(o => o.HeldBudgetRetryDelay = TimeSpan.FromMilliseconds(200));
        var (client, budgets) = Clients(host);
        await budgets.CreateAsync(Tenant, new NewBudget(BudgetPeriod.Day, "USD", 1m));
        var gate = host.Services.GetRequiredService<Ran>();

        var first = (await client.EnqueueAsync(Tenant, new NewJob("generate", """{"wait":true,"cost":0}""") { EstimatedCost = 1m })).Job;
        await gate.Waiting.Task;
        var second = (await client.EnqueueAsync(Tenant, new NewJob("generate", "{}") { EstimatedCost = 1m })).Job;
        var deferred = await WaitAsync(client, second.Id, j => j.State == JobState.Retrying);
        gate.Release.TrySetResult();

        Assert.Contains("frees up as running work settles", deferred.LastError, StringComparison.Ordinal);
        Assert.Equal(JobState.Succeeded, (await WaitAsync(client, first.Id, j => j.State == JobState.Succeeded)).State);
        Assert.Equal(JobState.Succeeded, (await WaitAsync(client, second.Id, j => j.State == JobState.Succeeded)).State);
        Assert.Equal(0, (await client.GetAsync(Tenant, second.Id)).Attempt - 1);
    }

    [Fact(Timeout = 60_000)]
    public async Task Jobs_admitted_together_for_a_tenant_without_budgets_share_one_look_at_its_budgets()
    {
        var store = new HeldListBudgetStore(new InMemoryBudgetStore(TimeProvider.System));
        using var host = await StartAsync(o => o.NoBudgetCacheDuration = TimeSpan.FromMinutes(1), services: s => s.AddSingleton<IBudgetStore>(store));
        var (client, _) = Clients(host);

        // The worker's four slots lease four jobs; each waits to be admitted while the one look at the budgets is held.
        var jobs = new List<Guid>();
        for (var i = 0; i < 4; i++)
        {
            jobs.Add((await client.EnqueueAsync(Tenant, new NewJob("generate", "{}") { EstimatedCost = 1m })).Job.Id);
        }

        foreach (var id in jobs)
        {
            await WaitAsync(client, id, j => j.State == JobState.Running);
        }

        store.Release.TrySetResult();
        foreach (var id in jobs)
        {
            await WaitAsync(client, id, j => j.State == JobState.Succeeded);
        }

        Assert.Equal(1, store.Lists);
    }

    private static (JobClient Jobs, BudgetClient Budgets) Clients(IHost host) =>
        (host.Services.GetRequiredService<JobClient>(), host.Services.GetRequiredService<BudgetClient>());

    private static async Task<IHost> StartAsync(Action<JobAdmissionOptions>? admission = null, Action<UsageOptions>? usage = null, Action<IServiceCollection>? services = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        services?.Invoke(builder.Services);
        var allixios = builder.Services.AddAllixios(o => o.InstanceName = "test-host");
        allixios.AddOrchestration(o =>
        {
            o.PollInterval = TimeSpan.FromMilliseconds(50);
            o.HeartbeatInterval = TimeSpan.FromMilliseconds(100);
            o.LeaseDuration = TimeSpan.FromSeconds(5);
            o.RetryBaseDelay = TimeSpan.Zero;
            o.RetryMaxDelay = TimeSpan.Zero;
        });
        allixios.AddUsage(usage);
        builder.Services.Configure<JobAdmissionOptions>(o =>
        {
            o.NoBudgetCacheDuration = TimeSpan.Zero;
            admission?.Invoke(o);
        });
        allixios.AddJobHandler<CostingHandler>("generate");
        builder.Services.AddSingleton<Ran>();
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    private static async Task<Job> WaitAsync(JobClient client, Guid jobId, Func<Job, bool> condition)
    {
        // Bounded by the test's timeout; no assertion on how long it takes.
        while (true)
        {
            var job = await client.GetAsync(Tenant, jobId);
            if (condition(job))
            {
                return job;
            }

            await Task.Delay(20);
        }
    }

    public sealed record Work(decimal? Cost, bool Fail, bool Wait);

    /// <summary>What the handler ran, and a gate a test can hold it at.</summary>
    public sealed class Ran
    {
        public ConcurrentQueue<Guid> Jobs { get; } = new();

        public TaskCompletionSource Waiting { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public sealed class CostingHandler(Ran ran) : IJobHandler<Work>
    {
        public async ValueTask HandleAsync(JobContext<Work> context)
        {
            ArgumentNullException.ThrowIfNull(context);
            ran.Jobs.Enqueue(context.Job.Id);
            if (context.Payload.Wait)
            {
                ran.Waiting.TrySetResult();
                await ran.Release.Task.WaitAsync(context.CancellationToken);
            }

            if (context.Payload.Cost is { } cost)
            {
                context.ReportCost(cost);
            }

            if (context.Payload.Fail)
            {
                throw new InvalidOperationException("provider returned 500");
            }
        }
    }

    /// <summary>A budget store whose listing waits for <see cref="Release"/> and is counted.</summary>
    private sealed class HeldListBudgetStore(IBudgetStore inner) : IBudgetStore
    {
        private int _lists;

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Lists => Volatile.Read(ref _lists);

        public async ValueTask<IReadOnlyList<Budget>> ListAsync(string tenantId, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _lists);
            await Release.Task.WaitAsync(cancellationToken);
            return await inner.ListAsync(tenantId, cancellationToken);
        }

        public ValueTask<Budget> CreateAsync(Budget budget, CancellationToken cancellationToken = default) => inner.CreateAsync(budget, cancellationToken);

        public ValueTask<Budget?> GetAsync(string tenantId, Guid budgetId, CancellationToken cancellationToken = default) => inner.GetAsync(tenantId, budgetId, cancellationToken);

        public ValueTask<Budget?> UpdateAsync(string tenantId, Guid budgetId, BudgetChanges changes, CancellationToken cancellationToken = default) => inner.UpdateAsync(tenantId, budgetId, changes, cancellationToken);

        public ValueTask<bool> DeleteAsync(string tenantId, Guid budgetId, CancellationToken cancellationToken = default) => inner.DeleteAsync(tenantId, budgetId, cancellationToken);

        public ValueTask<ReservationResult> ReserveAsync(Guid reservationId, ReservationRequest request, CancellationToken cancellationToken = default) => inner.ReserveAsync(reservationId, request, cancellationToken);

        public ValueTask<bool> SettleAsync(BudgetReservation reservation, decimal actualCost, CancellationToken cancellationToken = default) => inner.SettleAsync(reservation, actualCost, cancellationToken);

        public ValueTask<bool> ReleaseAsync(BudgetReservation reservation, CancellationToken cancellationToken = default) => inner.ReleaseAsync(reservation, cancellationToken);

        public ValueTask<int> ExpireReservationsAsync(int maxReservations, CancellationToken cancellationToken = default) => inner.ExpireReservationsAsync(maxReservations, cancellationToken);
    }
}

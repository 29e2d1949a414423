using Allixios.Orchestration;
using Allixios.Tenancy;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Allixios.Sdk.Tests.Orchestration;

// The scheduler on the in-memory queue with a clock the tests move by hand: every figure below is exact, not timed.
public sealed class FairSchedulerTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(1);
    private const string Noop = "noop";

    private readonly FakeTimeProvider _time = new(T0);
    private readonly InMemoryJobQueue _queue;
    private readonly InMemoryTenantStore _tenants = new();
    private readonly OrchestrationOptions _options = new();
    private readonly FairScheduler _scheduler;
    private readonly JobClient _client;

    public FairSchedulerTests()
    {
        _queue = new InMemoryJobQueue(_time);
        _scheduler = new FairScheduler(_queue, _tenants, Options.Create(_options), _time);
        _client = new JobClient(_queue, new JobTypeRegistry([new JobTypeRegistration(Noop, null)]), Options.Create(_options), _time);
    }

    public void Dispose() => _scheduler.Dispose();

    [Fact]
    public async Task Backlogged_tenants_share_the_workers_by_their_weights_while_one_floods()
    {
        await AddTenantAsync("tenant-a", weight: 1);
        await AddTenantAsync("tenant-b", weight: 1);
        await AddTenantAsync("tenant-c", weight: 2);
        await EnqueueAsync("tenant-a", 2000);
        await EnqueueAsync("tenant-b", 200);
        await EnqueueAsync("tenant-c", 400);

        // 800 leases is exactly as long as all three stay backlogged if the shares follow the weights 1:1:2.
        var leased = await WorkAsync(leases: 800, slots: 4);

        Assert.Equal(200, leased.GetValueOrDefault("tenant-a"));
        Assert.Equal(200, leased.GetValueOrDefault("tenant-b"));
        Assert.Equal(400, leased.GetValueOrDefault("tenant-c"));
    }

    [Fact]
    public async Task A_small_tenant_is_never_starved_by_another_tenants_flood_of_high_priority_jobs()
    {
        await EnqueueAsync("tenant-a", 1000, priority: 9);
        await WorkAsync(leases: 8, slots: 4);

        await EnqueueAsync("tenant-b", 1, priority: 0);
        _time.Advance(_options.BacklogRefreshInterval);
        var leased = await WorkAsync(leases: 4, slots: 4);

        Assert.Equal(1, leased.GetValueOrDefault("tenant-b"));
    }

    [Fact]
    public async Task A_tenants_concurrency_cap_holds_while_other_tenants_fill_the_free_slots()
    {
        await AddTenantAsync("tenant-a", weight: 1, concurrency: 2);
        await EnqueueAsync("tenant-a", 10);
        await EnqueueAsync("tenant-b", 10);

        var first = await _scheduler.DequeueAsync("w1", 8, Lease, null);
        var second = await _scheduler.DequeueAsync("w1", 8, Lease, null);

        Assert.Equal(2, first.Count(l => l.Job.TenantId == "tenant-a"));
        Assert.Equal(6, first.Count(l => l.Job.TenantId == "tenant-b"));
        Assert.DoesNotContain(second, l => l.Job.TenantId == "tenant-a");

        var done = first.First(l => l.Job.TenantId == "tenant-a");
        Assert.True(await _queue.CompleteAsync(done));
        _scheduler.OnJobFinished("tenant-a");
        var third = await _scheduler.DequeueAsync("w1", 8, Lease, null);

        Assert.Equal(1, third.Count(l => l.Job.TenantId == "tenant-a"));
    }

    [Fact]
    public async Task Aging_lifts_an_old_low_priority_job_over_its_tenants_newer_high_priority_jobs()
    {
        var old = (await _client.EnqueueAsync("tenant-a", new NewJob(Noop, "{}") { Priority = 0 })).Job;
        _time.Advance(JobAging.StepPerPriority * 10);
        await EnqueueAsync("tenant-a", 5, priority: 9);

        var first = Assert.Single(await _scheduler.DequeueAsync("w1", 1, Lease, null));

        Assert.Equal(old.Id, first.Job.Id);
    }

    [Fact]
    public async Task A_tenant_that_comes_back_after_idling_gets_its_weight_not_the_turns_it_missed()
    {
        await EnqueueAsync("tenant-a", 500);
        await WorkAsync(leases: 200, slots: 4);

        await EnqueueAsync("tenant-b", 300);
        _time.Advance(_options.BacklogRefreshInterval);
        var leased = await WorkAsync(leases: 200, slots: 4);

        Assert.Equal(100, leased.GetValueOrDefault("tenant-a"));
        Assert.Equal(100, leased.GetValueOrDefault("tenant-b"));
    }

    [Fact]
    public async Task A_changed_weight_takes_effect_once_the_cached_limits_are_read_again()
    {
        await AddTenantAsync("tenant-a", weight: 1);
        await EnqueueAsync("tenant-a", 1000);
        await EnqueueAsync("tenant-b", 1000);
        await WorkAsync(leases: 8, slots: 4);

        var tenant = (await _tenants.GetAsync("tenant-a"))!;
        await _tenants.TryUpdateAsync(tenant with { Limits = new Dictionary<string, long> { [FairScheduler.WeightLimit] = 3 } });
        var cached = await WorkAsync(leases: 80, slots: 4);
        _time.Advance(_options.TenantLimitsRefreshInterval);
        var reread = await WorkAsync(leases: 80, slots: 4);

        Assert.Equal(40, cached.GetValueOrDefault("tenant-a"));
        Assert.Equal(60, reread.GetValueOrDefault("tenant-a"));
    }

    [Fact]
    public async Task A_worker_with_nothing_to_run_gets_no_leases()
    {
        await EnqueueAsync("tenant-a", 1);
        await _client.EnqueueAsync("tenant-b", new NewJob(Noop, "{}") { Delay = TimeSpan.FromMinutes(5) });

        Assert.Single(await _scheduler.DequeueAsync("w1", 4, Lease, null));
        Assert.Empty(await _scheduler.DequeueAsync("w1", 4, Lease, null));
    }

    private async Task AddTenantAsync(string id, long weight, long? concurrency = null)
    {
        var limits = new Dictionary<string, long> { [FairScheduler.WeightLimit] = weight };
        if (concurrency is { } cap)
        {
            limits[FairScheduler.ConcurrencyLimit] = cap;
        }

        Assert.True(await _tenants.TryCreateAsync(new Tenant(id, id, limits, new Dictionary<string, bool>(), T0, T0)));
    }

    private async Task EnqueueAsync(string tenant, int count, int priority = 5)
    {
        for (var i = 0; i < count; i++)
        {
            await _client.EnqueueAsync(tenant, new NewJob(Noop, "{}") { Priority = priority });
        }
    }

    // Leases in batches of the free slots and completes each job at once, as a worker of that concurrency would.
    private async Task<Dictionary<string, int>> WorkAsync(int leases, int slots)
    {
        var counts = new Dictionary<string, int>();
        var total = 0;
        while (total < leases)
        {
            var batch = await _scheduler.DequeueAsync("w1", Math.Min(slots, leases - total), Lease, [Noop]);
            Assert.NotEmpty(batch);
            foreach (var lease in batch)
            {
                counts[lease.Job.TenantId] = counts.GetValueOrDefault(lease.Job.TenantId) + 1;
                Assert.True(await _queue.CompleteAsync(lease));
                _scheduler.OnJobFinished(lease.Job.TenantId);
            }

            total += batch.Count;
        }

        return counts;
    }
}

using Allixios.Orchestration;
using Allixios.Tenancy;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Allixios.Benchmarks.Orchestration;

/// <summary>
/// <c>fairness</c>: three tenants with weights 1:1:2 on the in-memory queue and the real <see cref="FairScheduler"/>;
/// A floods 100,000 jobs at once while B and C trickle 1,000 each (bursts of 50 every 50 ms). A simulated worker with 8
/// slots runs each job for 1 ms of simulated time. Prints Jain's index of the shares against the weights over the
/// dequeues where all three were backlogged, each tenant's share there, and B's p99 wait next to its p99 wait with the
/// same trickle on an otherwise idle queue.
/// </summary>
internal static class FairnessScenario
{
    private const int Slots = 8;
    private const int Flood = 100_000;
    private const int Trickle = 1_000;
    private const int Burst = 50;
    private static readonly TimeSpan BurstEvery = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(1);
    private static readonly DateTimeOffset T0 = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly Dictionary<string, long> Weights = new() { ["tenant-a"] = 1, ["tenant-b"] = 1, ["tenant-c"] = 2 };

    public static async Task<int> RunAsync()
    {
        var loaded = await SimulateAsync(flood: true);
        var idle = await SimulateAsync(flood: false);

        var x = Weights.Keys.Select(t => loaded.BackloggedLeases.GetValueOrDefault(t) / (double)Weights[t]).ToList();
        var jain = x.Sum() * x.Sum() / (x.Count * x.Sum(v => v * v));
        var total = loaded.BackloggedLeases.Values.Sum();
        new Figure("queue.fairness.jain", Math.Round(jain, 4), "index").Print();
        foreach (var tenant in Weights.Keys)
        {
            new Figure($"queue.fairness.share.{tenant[^1]}", Math.Round(loaded.BackloggedLeases.GetValueOrDefault(tenant) / (double)total, 3), "share").Print();
        }

        Figure.Compared("queue.fairness.b_wait.p99", loaded.BWaitP99, "ms", "idle-queue.b_wait.p99", idle.BWaitP99).Print();
        await Console.Error.WriteLineAsync($"leases while all backlogged: {string.Join(", ", loaded.BackloggedLeases.Select(p => $"{p.Key} {p.Value}"))}");
        return 0;
    }

    private static async Task<(Dictionary<string, int> BackloggedLeases, double BWaitP99)> SimulateAsync(bool flood)
    {
        var time = new FakeTimeProvider(T0);
        var options = new OrchestrationOptions();
        var queue = new InMemoryJobQueue(time);
        var tenants = new InMemoryTenantStore();
        foreach (var (id, weight) in Weights)
        {
            await tenants.TryCreateAsync(new Tenant(id, id, new Dictionary<string, long> { [FairScheduler.WeightLimit] = weight }, new Dictionary<string, bool>(), T0, T0));
        }

        using var scheduler = new FairScheduler(queue, tenants, Options.Create(options), time);
        var client = new JobClient(queue, new JobTypeRegistry([new JobTypeRegistration("noop", null)]), Options.Create(options), time);
        var queued = Weights.Keys.ToDictionary(t => t, _ => 0);
        var backloggedLeases = Weights.Keys.ToDictionary(t => t, _ => 0);
        var bWaits = new List<double>();
        var running = new List<(JobLease Lease, DateTimeOffset Ends)>();
        if (flood)
        {
            await EnqueueAsync(client, queued, "tenant-a", Flood);
        }

        var bursts = 0;
        var bLeased = 0;
        while (bLeased < Trickle)
        {
            var now = time.GetUtcNow();
            if (bursts < Trickle / Burst && now - T0 >= BurstEvery * bursts)
            {
                await EnqueueAsync(client, queued, "tenant-b", Burst);
                if (flood)
                {
                    await EnqueueAsync(client, queued, "tenant-c", Burst);
                }

                bursts++;

                // The queue's wake-up reaches the scheduler on another thread within microseconds in a real process;
                // give it that moment here, where simulated time would otherwise stand still around it.
                await Task.Delay(5);
            }

            foreach (var done in running.Where(r => r.Ends <= now).ToList())
            {
                await queue.CompleteAsync(done.Lease);
                scheduler.OnJobFinished(done.Lease.Job.TenantId);
                running.Remove(done);
            }

            var allBacklogged = flood && queued.Values.All(q => q > 0);
            var free = Slots - running.Count;
            if (free > 0)
            {
                foreach (var lease in await scheduler.DequeueAsync("sim", free, TimeSpan.FromMinutes(1), null))
                {
                    var tenant = lease.Job.TenantId;
                    queued[tenant]--;
                    if (allBacklogged)
                    {
                        backloggedLeases[tenant]++;
                    }

                    if (tenant == "tenant-b")
                    {
                        bLeased++;
                        bWaits.Add((now - lease.Job.CreatedAt).TotalMilliseconds);
                    }

                    running.Add((lease, now + Tick));
                }
            }

            time.Advance(Tick);
        }

        bWaits.Sort();
        return (backloggedLeases, bWaits[(int)Math.Ceiling(bWaits.Count * 0.99) - 1]);
    }

    private static async Task EnqueueAsync(JobClient client, Dictionary<string, int> queued, string tenant, int count)
    {
        for (var i = 0; i < count; i++)
        {
            await client.EnqueueAsync(tenant, new NewJob("noop", "{}"));
        }

        queued[tenant] += count;
    }
}

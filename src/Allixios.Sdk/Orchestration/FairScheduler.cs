using Allixios.Tenancy;
using Microsoft.Extensions.Options;

namespace Allixios.Orchestration;

/// <summary>
/// Shares a worker's free slots between tenants by weight (stride scheduling): each tenant's pass advances by
/// 1 / <c>jobs.weight</c> per job leased and the lowest pass goes next, so while tenants are backlogged their leases
/// converge to their weights, and a tenant that comes back after idling starts at the current virtual time (no credit
/// saved up, no debt). Within a tenant the queue's dispatch order applies (priority with aging, see <see cref="JobAging"/>).
/// A tenant's <c>jobs.concurrency</c> limit caps its running jobs on every replica: the queue enforces it in the store.
/// </summary>
/// <remarks>
/// It is cheap per dequeue: it plans from a backlog view (one grouped read of the queue, <see cref="IJobQueue.GetBacklogAsync"/>)
/// refreshed every <see cref="OrchestrationOptions.BacklogRefreshInterval"/> or when the view runs dry, and reads a
/// tenant's limits from <see cref="ITenantStore"/> at most every <see cref="OrchestrationOptions.TenantLimitsRefreshInterval"/>.
/// Shares are per process: with several replicas each one is fair over the jobs it leases, so the total is fair too.
/// </remarks>
public sealed class FairScheduler : IDisposable
{
    /// <summary>The tenant limit that sets a tenant's weight: 1 (default) to 1,000,000.</summary>
    public const string WeightLimit = "jobs.weight";

    /// <summary>The tenant limit that caps a tenant's running jobs across replicas: 1 or more; 0 or unset: no cap.</summary>
    public const string ConcurrencyLimit = "jobs.concurrency";

    private const long MaxWeight = 1_000_000;

    private static readonly TimeSpan MinWakeRefresh = TimeSpan.FromMilliseconds(10);

    private readonly IJobQueue _queue;
    private readonly ITenantStore _tenants;
    private readonly OrchestrationOptions _options;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<string, TenantShare> _shares = [];
    private readonly System.Collections.Concurrent.ConcurrentQueue<(string TenantId, int Count)> _finished = new();
    private readonly CancellationTokenSource _disposed = new();
    private Task? _wake;
    private DateTimeOffset? _backlogReadAt;
    private double _virtualTime;

    /// <summary>A scheduler over <paramref name="queue"/> that reads weights and caps from <paramref name="tenants"/>.</summary>
    public FairScheduler(IJobQueue queue, ITenantStore tenants, IOptions<OrchestrationOptions> options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        _queue = queue;
        _tenants = tenants;
        _options = options.Value;
        _time = time;
    }

    /// <summary>
    /// Leases up to <paramref name="maxJobs"/> jobs of <paramref name="types"/> (none: every type), shared between the
    /// backlogged tenants by weight and within their caps. Empty when no tenant has a job it may run now.
    /// </summary>
    public async ValueTask<IReadOnlyList<JobLease>> DequeueAsync(string workerId, int maxJobs, TimeSpan leaseDuration, IReadOnlyCollection<string>? types, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxJobs, 1);

        // The turns are planned under the lock and the queue is asked outside it, so several dequeues (of this worker's
        // dispatch loops) can wait for the queue at once while each one's turns are still handed out in pass order.
        List<(TenantShare Share, int Count)> plan;
        await _gate.WaitAsync(cancellationToken);
        try
        {
            while (_finished.TryDequeue(out var done))
            {
                if (_shares.TryGetValue(done.TenantId, out var finished))
                {
                    finished.Running = Math.Max(0, finished.Running - done.Count);
                }
            }

            var now = _time.GetUtcNow();
            // Read again when the view is old or dry, or when the queue signalled new work (a tenant may have arrived;
            // a busy worker never waits, so it would not otherwise see one until the view is old), at most every
            // MinWakeRefresh so a stream of enqueues does not turn every dequeue into a grouped read.
            var woken = _wake?.IsCompleted == true && _backlogReadAt is { } last && now - last >= MinWakeRefresh;
            if (_backlogReadAt is not { } readAt || now - readAt >= _options.BacklogRefreshInterval || woken || !HasRoom())
            {
                await RefreshAsync(types, now, cancellationToken);
            }

            plan = Plan(maxJobs);
            foreach (var (share, count) in plan)
            {
                // Counted as leased until the queue says otherwise, so a dequeue planned meanwhile sees them taken.
                share.Running += count;
                share.Available -= count;
            }

            AdvanceVirtualTime();
        }
        finally
        {
            _gate.Release();
        }

        if (plan.Count == 0)
        {
            return [];
        }

        List<JobLease>? leases = null;
        List<(TenantShare Share, int Unused)>? shortfalls = null;
        IReadOnlyList<JobLease>? only = null;
        try
        {
            for (var i = 0; i < plan.Count; i++)
            {
                var (share, count) = plan[i];
                IReadOnlyList<JobLease> got;
                try
                {
                    got = await _queue.DequeueAsync(new DequeueRequest(workerId, count, leaseDuration, types, [share.TenantId], share.Concurrency), cancellationToken);
                }
                catch
                {
                    // Nothing leased for this turn or the ones after it: all of them are given back below.
                    shortfalls ??= [];
                    for (var j = i; j < plan.Count; j++)
                    {
                        shortfalls.Add((plan[j].Share, plan[j].Count));
                    }

                    throw;
                }

                if (plan.Count == 1)
                {
                    only = got;
                }
                else
                {
                    (leases ??= new List<JobLease>(maxJobs)).AddRange(got);
                }

                if (got.Count < count)
                {
                    (shortfalls ??= []).Add((share, count - got.Count));
                }
            }
        }
        finally
        {
            if (shortfalls is not null)
            {
                await GiveBackAsync(shortfalls);
            }
        }

        return only ?? (IReadOnlyList<JobLease>?)leases ?? [];
    }

    /// <summary>Tells the scheduler that a job it leased has finished here, so its tenant has room under its cap again.</summary>
    public void OnJobFinished(string tenantId) => OnJobsFinished(tenantId, 1);

    // Queued, not applied under the lock: finishing jobs must never wait for a dequeue in progress.
    internal void OnJobsFinished(string tenantId, int count) => _finished.Enqueue((tenantId, count));

    /// <summary>Releases the scheduler's lock.</summary>
    public void Dispose()
    {
        _disposed.Cancel();
        _disposed.Dispose();
        _gate.Dispose();
    }

    // Another replica took them, or the tenant's cap is reached there, or the queue failed: the unused turns are given
    // back and the tenant looked at again at the next refresh.
    private async Task GiveBackAsync(List<(TenantShare Share, int Unused)> shortfalls)
    {
        await _gate.WaitAsync(CancellationToken.None);
        try
        {
            foreach (var (share, unused) in shortfalls)
            {
                share.Pass -= unused / (double)share.Weight;
                share.Running = Math.Max(0, share.Running - unused);
                share.Available = 0;
            }

            AdvanceVirtualTime();
        }
        finally
        {
            _gate.Release();
        }
    }

    // Called under the lock: the virtual time a tenant coming back starts at is the lowest pass of the backlogged ones.
    private void AdvanceVirtualTime()
    {
        var lowest = double.MaxValue;
        foreach (var share in _shares.Values)
        {
            if (share.Available > 0 && share.Pass < lowest)
            {
                lowest = share.Pass;
            }
        }

        if (lowest != double.MaxValue)
        {
            _virtualTime = Math.Max(_virtualTime, lowest);
        }
    }

    private bool HasRoom()
    {
        foreach (var share in _shares.Values)
        {
            if (share.Room > 0)
            {
                return true;
            }
        }

        return false;
    }

    private async Task WaitForWakeAsync()
    {
        try
        {
            await _queue.WaitForWorkAsync(_options.BacklogRefreshInterval, _disposed.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
        {
            // Disposed: nobody waits for this any more.
        }
    }

    // Hands out the slots one at a time to the eligible tenant with the lowest pass; ties go to the tenant with the
    // smaller id, so the order is deterministic.
    private List<(TenantShare Share, int Count)> Plan(int slots)
    {
        var planned = new Dictionary<TenantShare, int>();
        for (var i = 0; i < slots; i++)
        {
            TenantShare? next = null;
            foreach (var share in _shares.Values)
            {
                if (share.Room - planned.GetValueOrDefault(share) <= 0)
                {
                    continue;
                }

                if (next is null || share.Pass < next.Pass || (share.Pass == next.Pass && string.CompareOrdinal(share.TenantId, next.TenantId) < 0))
                {
                    next = share;
                }
            }

            if (next is null)
            {
                break;
            }

            planned[next] = planned.GetValueOrDefault(next) + 1;
            next.Pass += 1.0 / next.Weight;
        }

        return [.. planned.Select(p => (p.Key, p.Value))];
    }

    private async Task RefreshAsync(IReadOnlyCollection<string>? types, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // Listen before reading, so work enqueued after the read wakes the next dequeue.
        if (_wake is null || _wake.IsCompleted)
        {
            _wake = WaitForWakeAsync();
        }

        var backlog = await _queue.GetBacklogAsync(types, cancellationToken);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var tenant in backlog)
        {
            seen.Add(tenant.TenantId);
            if (!_shares.TryGetValue(tenant.TenantId, out var share))
            {
                _shares[tenant.TenantId] = share = new TenantShare(tenant.TenantId);
            }

            // A tenant that was idle starts at the current virtual time: idling earns no credit.
            if (share.Available == 0 && tenant.Available > 0)
            {
                share.Pass = Math.Max(share.Pass, _virtualTime);
            }

            share.Available = tenant.Available;
            share.Running = tenant.Running;
            if (share.LimitsReadAt is not { } read || now - read >= _options.TenantLimitsRefreshInterval)
            {
                var limits = await _tenants.GetAsync(tenant.TenantId, cancellationToken);
                share.Weight = Math.Clamp(limits?.GetLimit(WeightLimit, 1) ?? 1, 1, MaxWeight);
                var cap = limits?.GetLimit(ConcurrencyLimit, 0) ?? 0;
                share.Concurrency = cap > 0 ? (int)Math.Min(cap, int.MaxValue) : null;
                share.LimitsReadAt = now;
            }
        }

        // Tenants with nothing queued or running are forgotten, so the view stays as small as the active tenants;
        // one that comes back starts at the current virtual time anyway, and its limits are read again.
        foreach (var gone in _shares.Keys.Where(id => !seen.Contains(id)).ToList())
        {
            _shares.Remove(gone);
        }

        _backlogReadAt = now;
    }
}

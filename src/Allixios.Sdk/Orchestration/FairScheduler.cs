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
/// refreshed every <see cref="OrchestrationOptions.BacklogRefreshInterval"/>, on a queue wake-up, or when a tenant used up
/// half of the backlog last read, and reads a tenant's limits from <see cref="ITenantStore"/> at most every
/// <see cref="OrchestrationOptions.TenantLimitsRefreshInterval"/>. The read runs in the background while dequeues go on
/// planning from the view they have (the queue's dequeue is what decides, so a stale view costs at most a turn given back);
/// only a dequeue that finds the view dry waits for it.
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

    // A tenant whose backlog was read at least this large is read again in the background once half of it was leased,
    // so a busy tenant's view does not run dry (the queue may cap what it counts per tenant).
    private const long LowWaterMinimum = 1000;

    private readonly IJobQueue _queue;
    private readonly ITenantStore _tenants;
    private readonly OrchestrationOptions _options;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<string, TenantShare> _shares = [];
    private readonly System.Collections.Concurrent.ConcurrentQueue<(string TenantId, int Count)> _finished = new();
    private readonly CancellationTokenSource _disposed = new();
    private Task? _wake;
    // When the latest backlog read started (under the lock), the read in flight if any, and what it read, not yet applied.
    private DateTimeOffset? _backlogReadAt;
    private Task? _refresh;
    private BacklogRead? _read;
    private bool _lowWater;
    // The tenants' limits as last read, and when: used only by the backlog read, of which one runs at a time.
    private readonly Dictionary<string, (long Weight, int? Concurrency, DateTimeOffset ReadAt)> _limits = new(StringComparer.Ordinal);
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

        // The turns are planned under the lock and the queue is asked outside it, so dequeues that overlap can wait for
        // the queue at once while each one's turns are still handed out in pass order.
        List<(TenantShare Share, int Count)> plan;
        var waited = false;
        while (true)
        {
            Task? dry = null;
            await _gate.WaitAsync(cancellationToken);
            try
            {
                DrainFinished();
                ApplyRead();
                var now = _time.GetUtcNow();
                // Read again when the view is old, when a busy tenant used up half of it, or when the queue signalled new
                // work (a tenant may have arrived; a busy worker never waits, so it would not otherwise see one until the
                // view is old), at most every MinWakeRefresh so a stream of enqueues does not turn every dequeue into a
                // grouped read. The read runs in the background; this dequeue plans from the view it has.
                var woken = _wake?.IsCompleted == true && _backlogReadAt is { } last && now - last >= MinWakeRefresh;
                var due = _backlogReadAt is not { } readAt || now - readAt >= _options.BacklogRefreshInterval || woken || _lowWater;
                if (due && _refresh is not { IsCompleted: false })
                {
                    _ = StartRead(types, now);
                    // A read that finished at once (an in-memory queue) is planned from right away.
                    ApplyRead();
                }

                if (!HasRoom() && !waited)
                {
                    // Dry: nothing to plan from. Wait for a read (the one in flight, or a new one) and plan once more.
                    dry = _refresh is { IsCompleted: false } inFlight ? inFlight : StartRead(types, now);
                    if (dry.IsCompleted)
                    {
                        ApplyRead();
                        dry = null;
                    }
                }

                if (dry is null)
                {
                    plan = Plan(maxJobs);
                    foreach (var (share, count) in plan)
                    {
                        // Counted as leased until the queue says otherwise, so a dequeue planned meanwhile sees them taken.
                        share.Running += count;
                        share.Available -= count;
                        share.Leased += count;
                        _lowWater |= share.ReadAvailable >= LowWaterMinimum && share.Available < share.ReadAvailable / 2;
                    }

                    AdvanceVirtualTime();
                    break;
                }
            }
            finally
            {
                _gate.Release();
            }

            waited = true;
            // The read's failure (the queue unreachable) is this dequeue's, as the dequeue itself would fail too.
            await dry.WaitAsync(cancellationToken);
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
                share.Leased -= unused;
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

    // Called under the lock. Each tenant's lease and finish counts are noted as the read starts, so that what this
    // process leased and finished while it ran is counted on top of what it read (it may have seen some of those: the
    // view is approximate either way, and the queue's dequeue decides).
    private Task StartRead(IReadOnlyCollection<string>? types, DateTimeOffset now)
    {
        // Listen before reading, so work enqueued after the read wakes the next dequeue.
        if (_wake is null || _wake.IsCompleted)
        {
            _wake = WaitForWakeAsync();
        }

        if (_refresh is { IsFaulted: true } failed)
        {
            // Observed: the failed read was the last one, and this one takes its place.
            _ = failed.Exception;
        }

        foreach (var share in _shares.Values)
        {
            share.LeasedAtRead = share.Leased;
            share.FinishedAtRead = share.Finished;
        }

        _backlogReadAt = now;
        _lowWater = false;
        _refresh = ReadAsync(types, now);
        return _refresh;
    }

    // Runs outside the lock (one at a time: a new one starts only once the last one finished); what it read is applied
    // by the next dequeue, under the lock.
    private async Task ReadAsync(IReadOnlyCollection<string>? types, DateTimeOffset now)
    {
        var cancellationToken = _disposed.Token;
        var backlog = await _queue.GetBacklogAsync(types, cancellationToken);
        var tenants = new List<(TenantBacklog Backlog, long Weight, int? Concurrency)>(backlog.Count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var tenant in backlog)
        {
            seen.Add(tenant.TenantId);
            if (!_limits.TryGetValue(tenant.TenantId, out var limits) || now - limits.ReadAt >= _options.TenantLimitsRefreshInterval)
            {
                var read = await _tenants.GetAsync(tenant.TenantId, cancellationToken);
                var cap = read?.GetLimit(ConcurrencyLimit, 0) ?? 0;
                limits = (Math.Clamp(read?.GetLimit(WeightLimit, 1) ?? 1, 1, MaxWeight), cap > 0 ? (int)Math.Min(cap, int.MaxValue) : null, now);
                _limits[tenant.TenantId] = limits;
            }

            tenants.Add((tenant, limits.Weight, limits.Concurrency));
        }

        // Tenants with nothing queued or running are forgotten, so the view stays as small as the active tenants; one
        // that comes back starts at the current virtual time anyway, and its limits are read again.
        foreach (var gone in _limits.Keys.Where(id => !seen.Contains(id)).ToList())
        {
            _limits.Remove(gone);
        }

        Volatile.Write(ref _read, new BacklogRead(tenants));
    }

    // Called under the lock.
    private void ApplyRead()
    {
        if (Interlocked.Exchange(ref _read, null) is not { } read)
        {
            return;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (tenant, weight, concurrency) in read.Tenants)
        {
            seen.Add(tenant.TenantId);
            if (!_shares.TryGetValue(tenant.TenantId, out var share))
            {
                _shares[tenant.TenantId] = share = new TenantShare(tenant.TenantId);
            }

            var leasedSince = share.Leased - share.LeasedAtRead;
            var finishedSince = share.Finished - share.FinishedAtRead;
            var available = Math.Max(0, tenant.Available - leasedSince);

            // A tenant that was idle starts at the current virtual time: idling earns no credit.
            if (share.Available == 0 && available > 0)
            {
                share.Pass = Math.Max(share.Pass, _virtualTime);
            }

            share.Available = available;
            share.ReadAvailable = available;
            share.Running = Math.Max(0, tenant.Running + leasedSince - finishedSince);
            share.Weight = weight;
            share.Concurrency = concurrency;
        }

        // Forgotten unless this process leased some of its jobs while the read ran (the read may have missed them).
        foreach (var gone in _shares.Values.Where(s => !seen.Contains(s.TenantId) && s.Leased == s.LeasedAtRead).Select(s => s.TenantId).ToList())
        {
            _shares.Remove(gone);
        }
    }

    // Called under the lock.
    private void DrainFinished()
    {
        while (_finished.TryDequeue(out var done))
        {
            if (_shares.TryGetValue(done.TenantId, out var finished))
            {
                finished.Running = Math.Max(0, finished.Running - done.Count);
                finished.Finished += done.Count;
            }
        }
    }

    private sealed record BacklogRead(List<(TenantBacklog Backlog, long Weight, int? Concurrency)> Tenants);
}

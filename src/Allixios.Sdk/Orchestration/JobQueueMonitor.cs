using System.Diagnostics.Metrics;
using Allixios.Diagnostics;
using Allixios.Tenancy;
using Microsoft.Extensions.Options;

namespace Allixios.Orchestration;

/// <summary>
/// The queue seen from above: depth by tenant and state, each tenant's recently finished jobs, and recent failures.
/// Read from the queue (so it covers every replica sharing it) at most once per
/// <see cref="OrchestrationOptions.OverviewRefreshInterval"/>, however often it is asked for; it feeds the
/// <c>allixios.jobs.depth</c> gauge and the runtime's dashboard.
/// </summary>
/// <remarks>
/// Recent counts come from each tenant's newest jobs in the state (up to <see cref="RecentLimit"/> per state): a tenant
/// that finished more jobs than that within the window is reported with that many.
/// </remarks>
public sealed class JobQueueMonitor : IDisposable
{
    /// <summary>How many of a tenant's newest jobs per final state are looked at for the recent counts.</summary>
    public const int RecentLimit = 500;

    private const int FailureLimit = 20;

    private static readonly Lock LiveGate = new();
    private static readonly HashSet<JobQueueMonitor> Live = [];

    private static readonly ObservableGauge<long> Depth = AllixiosTelemetry.Meter.CreateObservableGauge(
        "allixios.jobs.depth",
        ObserveDepth,
        unit: "{job}",
        description: "Jobs in the queue by tenant and state, as of the last overview (refreshed at most once per Allixios:Orchestration:OverviewRefreshInterval).");

    private readonly IJobQueue _queue;
    private readonly ITenantStore _tenants;
    private readonly OrchestrationOptions _options;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private JobQueueOverview? _latest;

    /// <summary>Creates the monitor of <paramref name="queue"/>; the dependency container makes the one every caller shares.</summary>
    public JobQueueMonitor(IJobQueue queue, ITenantStore tenants, IOptions<OrchestrationOptions> options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        _queue = queue;
        _tenants = tenants;
        _options = options.Value;
        _time = time;
        GC.KeepAlive(Depth);
        lock (LiveGate)
        {
            Live.Add(this);
        }
    }

    /// <summary>
    /// The overview, read from the queue when the last one is older than
    /// <see cref="OrchestrationOptions.OverviewRefreshInterval"/> (callers at the same time share one read).
    /// </summary>
    public async ValueTask<JobQueueOverview> GetOverviewAsync(CancellationToken cancellationToken = default)
    {
        if (Fresh() is { } fresh)
        {
            return fresh;
        }

        await _refresh.WaitAsync(cancellationToken);
        try
        {
            if (Fresh() is { } meanwhile)
            {
                return meanwhile;
            }

            var overview = await ReadAsync(cancellationToken);
            Volatile.Write(ref _latest, overview);
            return overview;
        }
        finally
        {
            _refresh.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (LiveGate)
        {
            Live.Remove(this);
        }

        _refresh.Dispose();
    }

    private static IEnumerable<Measurement<long>> ObserveDepth()
    {
        JobQueueMonitor[] monitors;
        lock (LiveGate)
        {
            monitors = [.. Live];
        }

        var measurements = new List<Measurement<long>>();
        foreach (var monitor in monitors)
        {
            // A scrape never waits on the queue: it reports the last overview and has a stale one refreshed behind it.
            var latest = Volatile.Read(ref monitor._latest);
            if (monitor.Fresh() is null)
            {
                _ = monitor.RefreshInBackgroundAsync();
            }

            foreach (var tenant in latest?.Tenants ?? [])
            {
                foreach (var (state, count) in tenant.Depth)
                {
                    measurements.Add(new Measurement<long>(
                        count,
                        new KeyValuePair<string, object?>("tenant", tenant.TenantId),
                        new KeyValuePair<string, object?>("state", JobStates.ToName(state))));
                }
            }
        }

        return measurements;
    }

    private JobQueueOverview? Fresh()
    {
        var latest = Volatile.Read(ref _latest);
        return latest is not null && _time.GetUtcNow() - latest.TakenAt < _options.OverviewRefreshInterval ? latest : null;
    }

    private async Task RefreshInBackgroundAsync()
    {
        try
        {
            await GetOverviewAsync();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The gauge keeps the last overview; the next scrape tries again.
        }
    }

    private async Task<JobQueueOverview> ReadAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var since = now - _options.OverviewWindow;
        var tenants = new List<TenantJobOverview>();
        var failures = new List<JobFailureSummary>();
        var depthOfOthers = new Dictionary<JobState, long>();
        long succeededOthers = 0, failedOthers = 0, cancelledOthers = 0;
        string? after = null;
        while (true)
        {
            var page = await _tenants.ListAsync(after, 200, cancellationToken);
            foreach (var tenant in page)
            {
                var counts = await _queue.CountAsync(tenant.Id, cancellationToken);
                if (counts.Count == 0)
                {
                    continue;
                }

                var depth = new Dictionary<JobState, long>();
                foreach (var count in counts)
                {
                    depth[count.State] = depth.GetValueOrDefault(count.State) + count.Count;
                }

                var succeeded = depth.ContainsKey(JobState.Succeeded) ? await CountFinishedSinceAsync(tenant.Id, JobState.Succeeded, since, cancellationToken) : 0;
                var deadLettered = depth.ContainsKey(JobState.DeadLettered) ? await CountFinishedSinceAsync(tenant.Id, JobState.DeadLettered, since, cancellationToken) : 0;
                var cancelled = depth.ContainsKey(JobState.Cancelled) ? await CountFinishedSinceAsync(tenant.Id, JobState.Cancelled, since, cancellationToken) : 0;
                foreach (var state in (JobState[])[JobState.DeadLettered, JobState.Retrying])
                {
                    if (depth.ContainsKey(state))
                    {
                        await AddFailuresAsync(tenant.Id, state, since, failures, cancellationToken);
                    }
                }

                if (tenants.Count < _options.MetricsMaxTenants)
                {
                    tenants.Add(new TenantJobOverview(tenant.Id, depth, succeeded, deadLettered, cancelled));
                }
                else
                {
                    foreach (var (state, count) in depth)
                    {
                        depthOfOthers[state] = depthOfOthers.GetValueOrDefault(state) + count;
                    }

                    succeededOthers += succeeded;
                    failedOthers += deadLettered;
                    cancelledOthers += cancelled;
                }
            }

            if (page.Count < 200)
            {
                break;
            }

            after = page[^1].Id;
        }

        if (depthOfOthers.Count > 0)
        {
            tenants.Add(new TenantJobOverview(JobMetricTags.Other, depthOfOthers, succeededOthers, failedOthers, cancelledOthers));
        }

        failures.Sort((a, b) => b.At.CompareTo(a.At));
        return new JobQueueOverview(now, _options.OverviewWindow, tenants, failures.Take(FailureLimit).ToList());
    }

    private async Task<long> CountFinishedSinceAsync(string tenantId, JobState state, DateTimeOffset since, CancellationToken cancellationToken)
    {
        var jobs = await _queue.ListAsync(new JobQuery(tenantId) { State = state, Limit = RecentLimit }, cancellationToken);
        return jobs.Count(j => (j.FinishedAt ?? j.UpdatedAt) >= since);
    }

    private async Task AddFailuresAsync(string tenantId, JobState state, DateTimeOffset since, List<JobFailureSummary> failures, CancellationToken cancellationToken)
    {
        var jobs = await _queue.ListAsync(new JobQuery(tenantId) { State = state, Limit = FailureLimit }, cancellationToken);
        foreach (var job in jobs)
        {
            if (job.UpdatedAt >= since && job.LastError is { Length: > 0 } error)
            {
                failures.Add(new JobFailureSummary(job.Id, job.TenantId, job.Type, job.State, job.Attempt, error, job.UpdatedAt));
            }
        }
    }
}

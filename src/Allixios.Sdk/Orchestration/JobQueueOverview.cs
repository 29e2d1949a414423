namespace Allixios.Orchestration;

/// <summary>The state of the queue at one moment, for dashboards and the depth metric (<see cref="JobQueueMonitor"/>).</summary>
/// <param name="TakenAt">When the queue was read.</param>
/// <param name="Window">How far back <see cref="TenantJobOverview.FinishedRecently"/> and <see cref="RecentFailures"/> look.</param>
/// <param name="Tenants">Every tenant with jobs, by id (at most <see cref="OrchestrationOptions.MetricsMaxTenants"/>).</param>
/// <param name="RecentFailures">The latest failed attempts within the window (retrying or dead-lettered jobs), newest first, at most 20.</param>
public sealed record JobQueueOverview(
    DateTimeOffset TakenAt,
    TimeSpan Window,
    IReadOnlyList<TenantJobOverview> Tenants,
    IReadOnlyList<JobFailureSummary> RecentFailures);

/// <summary>One tenant's jobs in a <see cref="JobQueueOverview"/>.</summary>
/// <param name="TenantId">The tenant.</param>
/// <param name="Depth">How many jobs it has in each state; states without jobs are left out.</param>
/// <param name="SucceededRecently">Its jobs that succeeded within the window.</param>
/// <param name="FailedRecently">Its jobs that were dead-lettered within the window.</param>
/// <param name="CancelledRecently">Its jobs that were cancelled within the window.</param>
public sealed record TenantJobOverview(
    string TenantId,
    IReadOnlyDictionary<JobState, long> Depth,
    long SucceededRecently,
    long FailedRecently,
    long CancelledRecently)
{
    /// <summary>Its jobs that reached a final state within the window: its share of the work done.</summary>
    public long FinishedRecently => SucceededRecently + FailedRecently + CancelledRecently;
}

/// <summary>A failed attempt in a <see cref="JobQueueOverview"/>.</summary>
/// <param name="JobId">The job.</param>
/// <param name="TenantId">Its tenant.</param>
/// <param name="Type">Its job type.</param>
/// <param name="State">Where it stands now: retrying or dead-lettered.</param>
/// <param name="Attempt">The attempt that failed.</param>
/// <param name="Error">What went wrong.</param>
/// <param name="At">When it failed.</param>
public sealed record JobFailureSummary(Guid JobId, string TenantId, string Type, JobState State, int Attempt, string Error, DateTimeOffset At);

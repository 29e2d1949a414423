using System.ComponentModel.DataAnnotations;

namespace Allixios.Orchestration;

/// <summary>The job engine's settings, bound from <c>Allixios:Orchestration</c>.</summary>
public sealed class OrchestrationOptions : IValidatableObject
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "Allixios:Orchestration";

    /// <summary>Whether this process runs the hosted worker. Default: <see langword="true"/>. Turn it off in a process that only enqueues.</summary>
    public bool RunWorker { get; set; } = true;

    /// <summary>How many jobs this process's worker runs at once. Default: 4. Range: 1 to 256.</summary>
    [Range(1, 256)]
    public int Concurrency { get; set; } = 4;

    /// <summary>How long a lease lasts without a heartbeat; a job whose worker died is rescued this long after its last heartbeat. Default: 30 s. Range: 1 s to 1 h.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often a running job's lease is renewed; must be under <see cref="LeaseDuration"/>. Default: 10 s. Range: 100 ms to 20 min.</summary>
    [Range(typeof(TimeSpan), "00:00:00.1", "00:20:00")]
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The longest an idle worker waits before it looks for jobs again when no wake-up arrives. Default: 1 s. Range: 10 ms to 1 min.</summary>
    [Range(typeof(TimeSpan), "00:00:00.01", "00:01:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How old the fair scheduler's backlog view (one read of the queue) may get before it is read again, in the
    /// background while dequeues go on planning from it; it is also read when it runs dry (then the dequeue waits for it)
    /// and early when a tenant used up half of a large backlog read. Shorter sees newly arrived tenants sooner; longer
    /// reads the queue less. Default: 500 ms. Range: 10 ms to 1 min.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.01", "00:01:00")]
    public TimeSpan BacklogRefreshInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How long the fair scheduler keeps a tenant's weight and concurrency cap before reading them again. Default: 30 s. Range: 0 to 1 h.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan TenantLimitsRefreshInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How old the queue overview (<see cref="JobQueueMonitor"/>: depth by tenant and state, recent throughput and
    /// failures, read by the <c>allixios.jobs.depth</c> metric and the runtime's dashboard) may get before the queue is
    /// read again; a metrics scrape or dashboard refresh never reads it more often. Default: 5 s. Range: 1 s to 1 h.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan OverviewRefreshInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How far back the overview counts finished jobs and failures as recent. Default: 5 min. Range: 10 s to 1 day.</summary>
    [Range(typeof(TimeSpan), "00:00:10", "1.00:00:00")]
    public TimeSpan OverviewWindow { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How many tenants the overview and the job metrics name one by one; the jobs of further tenants are reported
    /// together under the tenant <c>_other</c>, so that the metrics' cardinality stays bounded. Default: 100. Range: 1 to 10000.
    /// </summary>
    [Range(1, 10_000)]
    public int MetricsMaxTenants { get; set; } = 100;

    /// <summary>How often the worker rescues jobs with expired leases and deletes old finished jobs. Default: 15 s. Range: 100 ms to 1 h.</summary>
    [Range(typeof(TimeSpan), "00:00:00.1", "01:00:00")]
    public TimeSpan MaintenanceInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long finished jobs (succeeded, cancelled, dead-lettered) and their history are kept. Default: 7 days. Range: 0 to 365 days.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "365.00:00:00")]
    public TimeSpan FinishedJobRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How many jobs one maintenance statement rescues or deletes, so no statement holds locks long. Default: 1000. Range: 1 to 100000.</summary>
    [Range(1, 100_000)]
    public int MaintenanceBatchSize { get; set; } = 1000;

    /// <summary>The attempts a job gets when its enqueuer names none. Default: 5. Range: 1 to 100.</summary>
    [Range(1, 100)]
    public int DefaultMaxAttempts { get; set; } = 5;

    /// <summary>How long one attempt may run when its enqueuer names no timeout. Default: 5 min. Range: 1 s to 24 h.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan DefaultTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The backoff before the first retry; each further retry doubles it, with jitter. Default: 1 s. Range: 0 to 1 h.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest backoff between retries. Default: 10 min. Range: 0 to 1 day.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(10);

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (HeartbeatInterval >= LeaseDuration)
        {
            yield return new ValidationResult(
                $"Allixios:Orchestration:HeartbeatInterval ({HeartbeatInterval}) must be shorter than LeaseDuration ({LeaseDuration}), or leases expire between heartbeats.",
                [nameof(HeartbeatInterval), nameof(LeaseDuration)]);
        }

        if (RetryMaxDelay < RetryBaseDelay)
        {
            yield return new ValidationResult(
                $"Allixios:Orchestration:RetryMaxDelay ({RetryMaxDelay}) must be at least RetryBaseDelay ({RetryBaseDelay}).",
                [nameof(RetryMaxDelay), nameof(RetryBaseDelay)]);
        }
    }
}

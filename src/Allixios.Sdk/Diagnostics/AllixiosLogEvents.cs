using Microsoft.Extensions.Logging;

namespace Allixios.Diagnostics;

/// <summary>The event ids of Allixios log messages, stable so that operators can alert on them.</summary>
public static class AllixiosLogEvents
{
    /// <summary>A schema migration was applied.</summary>
    public static readonly EventId MigrationApplied = new(1001, nameof(MigrationApplied));

    /// <summary>A schema migration was rolled back.</summary>
    public static readonly EventId MigrationRolledBack = new(1002, nameof(MigrationRolledBack));

    /// <summary>The schema was already up to date.</summary>
    public static readonly EventId SchemaUpToDate = new(1003, nameof(SchemaUpToDate));

    /// <summary>A bootstrap admin key was generated and printed once.</summary>
    public static readonly EventId BootstrapKeyGenerated = new(1101, nameof(BootstrapKeyGenerated));

    /// <summary>The bootstrap admin key from configuration was registered.</summary>
    public static readonly EventId BootstrapKeyConfigured = new(1102, nameof(BootstrapKeyConfigured));

    /// <summary>The cache could not reach Redis (L2, backplane or dependency state) or a factory failed; it carries on without it. Throttled.</summary>
    public static readonly EventId CacheDegraded = new(1201, nameof(CacheDegraded));

    /// <summary>The cache's Redis connection came back; memory entries from before it are revalidated.</summary>
    public static readonly EventId CacheReconnected = new(1202, nameof(CacheReconnected));

    /// <summary>A job attempt failed; the job retries or is dead-lettered.</summary>
    public static readonly EventId JobAttemptFailed = new(2001, nameof(JobAttemptFailed));

    /// <summary>A worker lost a job's lease (the job was cancelled or rescued); its result was discarded.</summary>
    public static readonly EventId JobLeaseLost = new(2002, nameof(JobLeaseLost));

    /// <summary>The job worker could not reach its queue; it retries.</summary>
    public static readonly EventId JobWorkerError = new(2003, nameof(JobWorkerError));

    /// <summary>Jobs with expired leases were rescued, or old finished jobs deleted.</summary>
    public static readonly EventId JobMaintenance = new(2004, nameof(JobMaintenance));

    /// <summary>Usage ledger entries older than the retention were deleted.</summary>
    public static readonly EventId UsageLedgerPruned = new(2503, nameof(UsageLedgerPruned));

    /// <summary>Deleting old usage ledger entries failed; it is tried again after the interval.</summary>
    public static readonly EventId UsageLedgerRetentionError = new(2504, nameof(UsageLedgerRetentionError));

    /// <summary>Search analytics older than the retention were deleted.</summary>
    public static readonly EventId SearchAnalyticsPruned = new(4001, nameof(SearchAnalyticsPruned));

    /// <summary>Deleting old search analytics failed; it is tried again after the interval.</summary>
    public static readonly EventId SearchAnalyticsRetentionError = new(4002, nameof(SearchAnalyticsRetentionError));

    /// <summary>Polling or looking up a fine-tuning job failed, or a job ended without a model.</summary>
    public static readonly EventId FineTuningPollFailed = new(3101, nameof(FineTuningPollFailed));

    /// <summary>A fine-tuning job succeeded and its model was registered in the catalog and the router.</summary>
    public static readonly EventId FineTunedModelRegistered = new(3102, nameof(FineTunedModelRegistered));
}

using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Allixios.Diagnostics;

/// <summary>
/// The one <see cref="Meter"/> and one <see cref="ActivitySource"/> of Allixios. Hosts export them by name:
/// <c>AddMeter(AllixiosTelemetry.Name)</c>, <c>AddSource(AllixiosTelemetry.Name)</c>.
/// </summary>
public static class AllixiosTelemetry
{
    /// <summary>The name of the meter and the activity source: <c>Allixios</c>.</summary>
    public const string Name = "Allixios";

    /// <summary>The activity source every Allixios span starts from.</summary>
    public static readonly ActivitySource ActivitySource = new(Name);

    /// <summary>The meter every Allixios instrument belongs to.</summary>
    public static readonly Meter Meter = new(Name);

    internal static readonly Counter<long> ApiKeyAuthentications = Meter.CreateCounter<long>(
        "allixios.api_key.authentications",
        unit: "{authentication}",
        description: "API key authentications, by outcome.");

    internal static readonly Counter<long> MigrationsApplied = Meter.CreateCounter<long>(
        "allixios.storage.migrations_applied",
        unit: "{migration}",
        description: "Schema migrations applied or rolled back by this process, by direction.");

    internal static readonly Counter<long> JobsEnqueued = Meter.CreateCounter<long>(
        "allixios.jobs.enqueued",
        unit: "{job}",
        description: "Jobs enqueued through this process, by job type (idempotent repeats not counted).");

    internal static readonly Counter<long> JobAttempts = Meter.CreateCounter<long>(
        "allixios.jobs.attempts",
        unit: "{attempt}",
        description: "Job attempts this process's worker finished, by job type and outcome (succeeded, retrying, dead_lettered, lease_lost).");

    internal static readonly Histogram<double> JobRunTime = Meter.CreateHistogram<double>(
        "allixios.jobs.run_time",
        unit: "s",
        description: "How long job attempts ran in this process's worker, by job type and outcome.");

    internal static readonly Counter<long> CronFires = Meter.CreateCounter<long>(
        "allixios.cron.fires",
        unit: "{fire}",
        description: "Cron fire times this process handled, by outcome (enqueued; duplicate: another runner enqueued it; rejected: the job no longer validates; skipped: a missed fire time its misfire policy dropped).");

    internal static readonly Histogram<double> CronFireLag = Meter.CreateHistogram<double>(
        "allixios.cron.fire_lag",
        unit: "s",
        description: "How long after its fire time a cron job was enqueued: the scheduler's own delay, or a missed fire's age.");

    internal static readonly Counter<long> AiCalls = Meter.CreateCounter<long>(
        "allixios.ai.calls",
        unit: "{call}",
        description: "Routed AI calls, by deployment and outcome (succeeded, failed_over, failed).");

    internal static readonly Counter<long> AiCircuitOpened = Meter.CreateCounter<long>(
        "allixios.ai.circuit_opened",
        unit: "{event}",
        description: "Times a deployment's circuit breaker opened and put it into cooldown, by deployment.");

    internal static readonly Histogram<double> QualityScores = Meter.CreateHistogram<double>(
        "allixios.quality.score",
        unit: "{score}",
        description: "Quality scores (0 to 100) of scored texts, by content kind; of generated drafts also by model and job type.");

    internal static readonly Histogram<double> JobWaitTime = Meter.CreateHistogram<double>(
        "allixios.jobs.wait_time",
        unit: "s",
        description: "How long jobs waited from due (available) to running in this process's worker, by job type and tenant.");

    internal static readonly Counter<long> JobsCompleted = Meter.CreateCounter<long>(
        "allixios.jobs.completed",
        unit: "{job}",
        description: "Jobs this process's worker brought to a final state, by job type, tenant and outcome (succeeded, dead_lettered): the throughput.");

    internal static readonly Counter<long> JobFailures = Meter.CreateCounter<long>(
        "allixios.jobs.failures",
        unit: "{failure}",
        description: "Failed job attempts in this process's worker, by job type, tenant and failure (timeout, deadline, payload, no_handler, or the exception's type).");

    internal static readonly Counter<long> SearchQueries = Meter.CreateCounter<long>(
        "allixios.search.queries",
        unit: "{query}",
        description: "Lexical search queries answered by this process, by store (memory, postgres).");

    internal static readonly Histogram<double> SearchQueryTime = Meter.CreateHistogram<double>(
        "allixios.search.query_time",
        unit: "s",
        description: "How long lexical search queries took in this process, by store.");

    internal static readonly Counter<long> SearchDocumentsIndexed = Meter.CreateCounter<long>(
        "allixios.search.documents_indexed",
        unit: "{document}",
        description: "Search documents upserted or reindexed by this process, by store.");
}

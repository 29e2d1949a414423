using System.Diagnostics.Metrics;
using Allixios.Diagnostics;

namespace Allixios.Caching;

/// <summary>The cache's instruments on the one Allixios <see cref="Meter"/>.</summary>
internal static class CacheInstruments
{
    // Observed from the caches' own counts: see CacheHitCounts for why.
    public static readonly ObservableCounter<long> Hits = AllixiosTelemetry.Meter.CreateObservableCounter(
        "allixios.cache.hits", CacheHitCounts.Observe, unit: "{hit}", description: "Fresh values found, by level (l1 memory, l2 Redis).");

    public static readonly Counter<long> Misses = AllixiosTelemetry.Meter.CreateCounter<long>(
        "allixios.cache.misses", unit: "{miss}", description: "Lookups that found no fresh value, by level (l1 memory, l2 Redis).");

    public static readonly Counter<long> FactoryRuns = AllixiosTelemetry.Meter.CreateCounter<long>(
        "allixios.cache.factory_runs", unit: "{run}", description: "Factory runs that made a value.");

    public static readonly Counter<long> StampedeJoins = AllixiosTelemetry.Meter.CreateCounter<long>(
        "allixios.cache.stampede_joins", unit: "{call}", description: "Callers that joined a factory run under way: factory calls saved.");

    public static readonly Counter<long> StaleServed = AllixiosTelemetry.Meter.CreateCounter<long>(
        "allixios.cache.stale_served", unit: "{value}", description: "Expired values served because the factory failed or was slow (fail-safe).");

    public static readonly Counter<long> EagerRefreshes = AllixiosTelemetry.Meter.CreateCounter<long>(
        "allixios.cache.eager_refreshes", unit: "{refresh}", description: "Background refreshes started before an entry expired.");

    public static readonly Counter<long> Invalidations = AllixiosTelemetry.Meter.CreateCounter<long>(
        "allixios.cache.invalidations", unit: "{entry}", description: "Entries invalidated, by cause (remove, key, tag).");

    public static readonly Counter<long> BackplaneMessages = AllixiosTelemetry.Meter.CreateCounter<long>(
        "allixios.cache.backplane.messages", unit: "{message}", description: "Backplane messages, by direction (sent, received).");

    public static readonly Histogram<double> BackplaneLag = AllixiosTelemetry.Meter.CreateHistogram<double>(
        "allixios.cache.backplane.lag", unit: "ms", description: "Time from a node sending a backplane message to another node receiving it.");

    public static readonly Counter<long> Errors = AllixiosTelemetry.Meter.CreateCounter<long>(
        "allixios.cache.errors", unit: "{error}", description: "Errors that did not fail a call, by source (l2, backplane, dependency_store, factory).");
}

using System.Diagnostics.Metrics;
using Allixios.Diagnostics;

namespace Allixios.AiRouting.Caching;

/// <summary>The response cache's instruments on the one Allixios <see cref="Meter"/>.</summary>
internal static class AiCacheInstruments
{
    public static readonly Counter<long> Lookups = AllixiosTelemetry.Meter.CreateCounter<long>(
        "allixios.ai.cache.lookups", unit: "{lookup}", description: "Response-cache lookups, by kind (exact, semantic) and result (hit, miss, skipped, error).");

    public static readonly Counter<long> Stores = AllixiosTelemetry.Meter.CreateCounter<long>(
        "allixios.ai.cache.stores", unit: "{answer}", description: "Answers stored in the response cache after a miss, by result (stored, refused, vector_failed).");

    public static readonly Counter<long> FalseHits = AllixiosTelemetry.Meter.CreateCounter<long>(
        "allixios.ai.cache.false_hits", unit: "{hit}", description: "Cache hits callers reported wrong, by kind (exact, semantic).");

    public static readonly Histogram<double> Similarity = AllixiosTelemetry.Meter.CreateHistogram<double>(
        "allixios.ai.cache.semantic_similarity", unit: "1", description: "The cosine similarity of semantic hits.");
}

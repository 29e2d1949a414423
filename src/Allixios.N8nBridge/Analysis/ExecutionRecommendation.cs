namespace Allixios.N8nBridge.Analysis;

/// <summary>What kind of problem a recommendation is about.</summary>
public enum RecommendationKind
{
    /// <summary>One node takes most of the run time.</summary>
    DominantNode,

    /// <summary>A node (or the whole execution) is re-run again and again after failures.</summary>
    RetryStorm,

    /// <summary>A node fails in too many executions.</summary>
    FrequentFailures,

    /// <summary>Long idle time between a node and the node it feeds.</summary>
    LongWait,
}

/// <summary>A concrete recommendation with the numbers that triggered it.</summary>
/// <param name="Kind">What kind of problem.</param>
/// <param name="Node">The node concerned; <see langword="null"/> for the workflow as a whole.</param>
/// <param name="Message">What was seen and what to do, with the numbers.</param>
/// <param name="Evidence">The figures behind it (e.g. <c>share</c>, <c>threshold</c>, <c>p95_ms</c>).</param>
public sealed record ExecutionRecommendation(RecommendationKind Kind, string? Node, string Message, IReadOnlyDictionary<string, double> Evidence);

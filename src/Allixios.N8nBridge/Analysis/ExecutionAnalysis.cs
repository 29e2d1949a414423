namespace Allixios.N8nBridge.Analysis;

/// <summary>The result of <see cref="ExecutionAnalyzer.Analyze"/>.</summary>
public sealed record ExecutionAnalysis
{
    /// <summary>How many executions were analysed.</summary>
    public required int Executions { get; init; }

    /// <summary>How many of them carried no run data (listed without <c>includeData</c>, or not saved by n8n).</summary>
    public required int ExecutionsWithoutData { get; init; }

    /// <summary>How many ended in <c>error</c> or <c>crashed</c>.</summary>
    public required int FailedExecutions { get; init; }

    /// <summary>The earliest start among them.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>The latest start among them.</summary>
    public DateTimeOffset? To { get; init; }

    /// <summary>The summed run time of every node run.</summary>
    public required double TotalNodeMilliseconds { get; init; }

    /// <summary>Every node, most total run time first.</summary>
    public required IReadOnlyList<NodeStatistics> Nodes { get; init; }

    /// <summary>The slowest nodes by p95, slowest first.</summary>
    public required IReadOnlyList<NodeStatistics> SlowestNodes { get; init; }

    /// <summary>The nodes that failed, highest failure rate first.</summary>
    public required IReadOnlyList<NodeStatistics> MostFailingNodes { get; init; }

    /// <summary>What to do about it, most pressing kinds first.</summary>
    public required IReadOnlyList<ExecutionRecommendation> Recommendations { get; init; }
}

using System.ComponentModel.DataAnnotations;

namespace Allixios.N8nBridge.Analysis;

/// <summary>The thresholds at which <see cref="ExecutionAnalyzer"/> makes a recommendation. Bound from <c>N8n:Analysis</c> in the runtime.</summary>
public sealed class ExecutionAnalysisOptions
{
    /// <summary>A node whose share of the summed node run time exceeds this dominates the workflow. Default 0.5; 0.05 to 1.</summary>
    [Range(0.05, 1.0)]
    public double DominantNodeShare { get; set; } = 0.5;

    /// <summary>A node failing in more than this share of the executions it ran in fails too often. Default 0.2; 0.01 to 1.</summary>
    [Range(0.01, 1.0)]
    public double FailureRateThreshold { get; set; } = 0.2;

    /// <summary>
    /// A node that runs this many times or more in one execution with a failure among them (or an execution retried
    /// this many times) is a retry storm. Default 3; 2 to 1000.
    /// </summary>
    [Range(2, 1000)]
    public int RetryStormRuns { get; set; } = 3;

    /// <summary>A gap longer than this between a node's end and the start of the node it feeds is a long wait. Default 10 s; 10 ms to 1 day.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "1.00:00:00")]
    public TimeSpan LongWait { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>A failure rate is judged only over at least this many executions of the node. Default 3; 1 to 10000.</summary>
    [Range(1, 10000)]
    public int MinimumExecutions { get; set; } = 3;

    /// <summary>How many nodes the slowest and most failing lists hold. Default 5; 1 to 100.</summary>
    [Range(1, 100)]
    public int TopNodes { get; set; } = 5;
}

namespace Allixios.N8nBridge.Analysis;

/// <summary>How one node behaved over the analysed executions; times in milliseconds.</summary>
public sealed record NodeStatistics
{
    /// <summary>The node's name.</summary>
    public required string Node { get; init; }

    /// <summary>How many times it ran in all.</summary>
    public required int Runs { get; init; }

    /// <summary>In how many executions it ran.</summary>
    public required int Executions { get; init; }

    /// <summary>How many of its runs failed.</summary>
    public required int FailedRuns { get; init; }

    /// <summary>In how many executions it failed at least once.</summary>
    public required int FailedExecutions { get; init; }

    /// <summary><see cref="FailedExecutions"/> ÷ <see cref="Executions"/>.</summary>
    public required double FailureRate { get; init; }

    /// <summary>The median run time.</summary>
    public required double P50Milliseconds { get; init; }

    /// <summary>The 95th percentile run time (nearest rank).</summary>
    public required double P95Milliseconds { get; init; }

    /// <summary>The longest run.</summary>
    public required double MaxMilliseconds { get; init; }

    /// <summary>The mean run time.</summary>
    public required double MeanMilliseconds { get; init; }

    /// <summary>All its runs together.</summary>
    public required double TotalMilliseconds { get; init; }

    /// <summary>Its share of the summed run time of every node, 0 to 1.</summary>
    public required double ShareOfRunTime { get; init; }

    /// <summary>The most times it ran in one execution.</summary>
    public required int MaxRunsInOneExecution { get; init; }

    /// <summary>Runs that came after a failed run of the same node in the same execution.</summary>
    public required int RunsAfterFailure { get; init; }

    /// <summary>The longest gap between the end of the node that fed it and its start.</summary>
    public required double LongestWaitMilliseconds { get; init; }

    /// <summary>Its most frequent error message, if it failed.</summary>
    public string? MostCommonError { get; init; }
}

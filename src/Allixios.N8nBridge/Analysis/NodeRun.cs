namespace Allixios.N8nBridge.Analysis;

/// <summary>One run of one node in one execution, read from <c>data.resultData.runData[node][i]</c>.</summary>
/// <param name="ExecutionId">The execution.</param>
/// <param name="Node">The node's name.</param>
/// <param name="RunIndex">Which run of the node in that execution (0 first).</param>
/// <param name="StartTime">When it started (<c>startTime</c>, epoch milliseconds).</param>
/// <param name="ExecutionTime">How long it ran (<c>executionTime</c>, milliseconds).</param>
/// <param name="Status">Its <c>executionStatus</c> (<c>success</c>, <c>error</c>, …); <c>error</c> also when it carries an error without one.</param>
/// <param name="Error">The error's message when it failed.</param>
/// <param name="PreviousNode">The node whose output started it (<c>source[0].previousNode</c>), if any.</param>
/// <param name="PreviousNodeRun">Which run of that node (<c>source[0].previousNodeRun</c>, 0 when absent).</param>
public sealed record NodeRun(
    string ExecutionId,
    string Node,
    int RunIndex,
    DateTimeOffset StartTime,
    TimeSpan ExecutionTime,
    string Status,
    string? Error,
    string? PreviousNode,
    int PreviousNodeRun)
{
    /// <summary>Whether the run failed.</summary>
    public bool Failed => Status == "error";

    /// <summary>When it ended.</summary>
    public DateTimeOffset EndTime => StartTime + ExecutionTime;
}

namespace Allixios.N8nBridge;

/// <summary>Which executions to list; every filter is optional.</summary>
public sealed record N8nExecutionQuery
{
    /// <summary>Only executions of this workflow.</summary>
    public string? WorkflowId { get; init; }

    /// <summary>Only executions in this status: <c>success</c>, <c>error</c>, <c>running</c>, <c>waiting</c> or <c>canceled</c>.</summary>
    public string? Status { get; init; }

    /// <summary>Only executions of this project.</summary>
    public string? ProjectId { get; init; }

    /// <summary>Include each execution's run data (needed for execution analysis; larger answers).</summary>
    public bool IncludeData { get; init; }
}

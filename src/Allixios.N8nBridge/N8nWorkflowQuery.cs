namespace Allixios.N8nBridge;

/// <summary>Which workflows to list; every filter is optional.</summary>
public sealed record N8nWorkflowQuery
{
    /// <summary>Only active (true) or inactive (false) workflows.</summary>
    public bool? Active { get; init; }

    /// <summary>Only workflows carrying all of these tag names.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>Only workflows of this name.</summary>
    public string? Name { get; init; }

    /// <summary>Only workflows of this project.</summary>
    public string? ProjectId { get; init; }

    /// <summary>Leave out pinned data (smaller answers).</summary>
    public bool? ExcludePinnedData { get; init; }
}

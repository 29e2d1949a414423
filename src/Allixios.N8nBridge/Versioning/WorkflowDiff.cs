namespace Allixios.N8nBridge.Versioning;

/// <summary>What changed between two versions of a workflow.</summary>
public sealed record WorkflowDiff
{
    /// <summary>The workflow.</summary>
    public required string WorkflowId { get; init; }

    /// <summary>The older version compared.</summary>
    public required int FromVersion { get; init; }

    /// <summary>The newer version compared.</summary>
    public required int ToVersion { get; init; }

    /// <summary>The name before and after, when it changed.</summary>
    public ValueChange? Name { get; init; }

    /// <summary>Whether it was active before and after, when that changed.</summary>
    public ValueChange? Active { get; init; }

    /// <summary>Nodes in the newer version only (by name).</summary>
    public IReadOnlyList<string> NodesAdded { get; init; } = [];

    /// <summary>Nodes in the older version only (by name).</summary>
    public IReadOnlyList<string> NodesRemoved { get; init; } = [];

    /// <summary>Nodes in both whose JSON differs, with the paths that changed.</summary>
    public IReadOnlyList<NodeChange> NodesChanged { get; init; } = [];

    /// <summary>Connections in the newer version only.</summary>
    public IReadOnlyList<WorkflowEdge> ConnectionsAdded { get; init; } = [];

    /// <summary>Connections in the older version only.</summary>
    public IReadOnlyList<WorkflowEdge> ConnectionsRemoved { get; init; } = [];

    /// <summary>Settings added, removed or changed (by key).</summary>
    public IReadOnlyList<SettingChange> SettingsChanged { get; init; } = [];

    /// <summary>Whether anything differs.</summary>
    public bool IsEmpty => Name is null && Active is null && NodesAdded.Count == 0 && NodesRemoved.Count == 0 && NodesChanged.Count == 0
        && ConnectionsAdded.Count == 0 && ConnectionsRemoved.Count == 0 && SettingsChanged.Count == 0;
}

/// <summary>A value before and after, as JSON.</summary>
/// <param name="Before">The older value's JSON (<c>null</c> when absent).</param>
/// <param name="After">The newer value's JSON (<c>null</c> when absent).</param>
public sealed record ValueChange(string Before, string After);

/// <summary>A node present in both versions whose JSON differs.</summary>
/// <param name="Name">The node's name (in the newer version).</param>
/// <param name="Type">Its type in the newer version, e.g. <c>n8n-nodes-base.httpRequest</c>.</param>
/// <param name="ChangedPaths">The paths that differ, e.g. <c>parameters.url</c>, <c>parameters.options.timeout</c>, <c>position</c>.</param>
public sealed record NodeChange(string Name, string Type, IReadOnlyList<string> ChangedPaths);

/// <summary>A setting that differs.</summary>
/// <param name="Key">The setting, e.g. <c>executionOrder</c>.</param>
/// <param name="Before">Its JSON before (<c>null</c> when absent).</param>
/// <param name="After">Its JSON after (<c>null</c> when absent).</param>
public sealed record SettingChange(string Key, string Before, string After);

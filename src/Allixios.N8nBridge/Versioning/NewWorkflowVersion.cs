namespace Allixios.N8nBridge.Versioning;

/// <summary>A version to record; the store gives it its number.</summary>
public sealed record NewWorkflowVersion
{
    /// <summary>n8n's workflow id.</summary>
    public required string WorkflowId { get; init; }

    /// <summary>The workflow's name.</summary>
    public required string Name { get; init; }

    /// <summary>Whether it is active.</summary>
    public required bool Active { get; init; }

    /// <summary>The whole workflow as JSON.</summary>
    public required string Definition { get; init; }

    /// <summary>Its content hash (<see cref="WorkflowFingerprint"/>).</summary>
    public required string Hash { get; init; }

    /// <summary>Where it came from.</summary>
    public required WorkflowVersionSource Source { get; init; }

    /// <summary>What produced it.</summary>
    public required WorkflowChange Change { get; init; }

    /// <summary>Who made the change.</summary>
    public required string Author { get; init; }

    /// <summary>Why; may be empty.</summary>
    public string Note { get; init; } = string.Empty;

    /// <summary>n8n's own version id, when it has one.</summary>
    public string? N8nVersionId { get; init; }

    /// <summary>When it is recorded.</summary>
    public required DateTimeOffset CreatedAt { get; init; }
}

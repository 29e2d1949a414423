namespace Allixios.N8nBridge.Versioning;

/// <summary>One stored version of an n8n workflow: the workflow as n8n answered it after a change, and who made it.</summary>
public sealed record WorkflowVersion
{
    /// <summary>The tenant the version belongs to.</summary>
    public required string TenantId { get; init; }

    /// <summary>n8n's workflow id.</summary>
    public required string WorkflowId { get; init; }

    /// <summary>The version number, 1 for the first recorded, one more for each next.</summary>
    public required int Version { get; init; }

    /// <summary>The workflow's name at this version.</summary>
    public required string Name { get; init; }

    /// <summary>Whether it was active at this version.</summary>
    public required bool Active { get; init; }

    /// <summary>The whole workflow as n8n answered it (nodes, connections, settings, static data, …), as JSON.</summary>
    public required string Definition { get; init; }

    /// <summary>The SHA-256 (hex) of the workflow's content (<see cref="WorkflowFingerprint"/>): equal hashes, same workflow.</summary>
    public required string Hash { get; init; }

    /// <summary>Where the version came from.</summary>
    public required WorkflowVersionSource Source { get; init; }

    /// <summary>What produced it.</summary>
    public required WorkflowChange Change { get; init; }

    /// <summary>Who made the change (an API key's name, a user, <c>sync</c>).</summary>
    public required string Author { get; init; }

    /// <summary>Why, in the author's words; may be empty.</summary>
    public string Note { get; init; } = string.Empty;

    /// <summary>n8n's own version id of the workflow at this version, when it has one.</summary>
    public string? N8nVersionId { get; init; }

    /// <summary>When it was recorded.</summary>
    public required DateTimeOffset CreatedAt { get; init; }
}

namespace Allixios.N8nBridge.Versioning;

/// <summary>What produced a workflow version.</summary>
public enum WorkflowChange
{
    /// <summary>The workflow was created through the bridge.</summary>
    Created,

    /// <summary>Its writable fields were replaced through the bridge.</summary>
    Updated,

    /// <summary>It was activated through the bridge.</summary>
    Activated,

    /// <summary>It was deactivated through the bridge.</summary>
    Deactivated,

    /// <summary>An older version's writable fields were put back through the bridge.</summary>
    RolledBack,

    /// <summary>A sync found it changed in n8n (or recorded it for the first time).</summary>
    Synced,
}

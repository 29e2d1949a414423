namespace Allixios.N8nBridge.Versioning;

/// <summary>Where a workflow version came from.</summary>
public enum WorkflowVersionSource
{
    /// <summary>A change made through the bridge (create, update, activate, deactivate, rollback).</summary>
    Bridge,

    /// <summary>A change made in n8n itself, found by <see cref="WorkflowVersionControl.SyncAsync"/>.</summary>
    Sync,
}

namespace Allixios.N8nBridge.Versioning;

/// <summary>The outcome of <see cref="WorkflowVersionControl.SyncAsync"/>.</summary>
/// <param name="Version">The version recorded, or the latest one when n8n's workflow had not changed.</param>
/// <param name="Changed">Whether n8n's workflow differed from the latest version (and a version was recorded).</param>
public sealed record WorkflowSyncResult(WorkflowVersion Version, bool Changed);

namespace Allixios.N8nBridge.Versioning;

/// <summary>The outcome of <see cref="IWorkflowVersionStore.AppendAsync"/>.</summary>
/// <param name="Version">The version recorded, or the latest one when nothing was recorded.</param>
/// <param name="Appended">Whether a new version was recorded (false: the latest already had the same hash).</param>
public sealed record WorkflowVersionAppend(WorkflowVersion Version, bool Appended);

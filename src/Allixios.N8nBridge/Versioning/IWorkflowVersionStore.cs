namespace Allixios.N8nBridge.Versioning;

/// <summary>
/// The stored versions of n8n workflows, per tenant: in memory (<see cref="InMemoryWorkflowVersionStore"/>) or in
/// PostgreSQL (<see cref="PostgresWorkflowVersionStore"/>, table <c>n8n_workflow_versions</c> with row-level security).
/// </summary>
public interface IWorkflowVersionStore
{
    /// <summary>
    /// Records <paramref name="version"/> as the workflow's next version (numbers are given in order, without gaps, also
    /// under concurrent appends). With <paramref name="skipIfUnchanged"/>, nothing is recorded when the latest version
    /// has the same hash, and that version is answered.
    /// </summary>
    Task<WorkflowVersionAppend> AppendAsync(string tenantId, NewWorkflowVersion version, bool skipIfUnchanged = false, CancellationToken cancellationToken = default);

    /// <summary>One version, or <see langword="null"/> when the tenant has no such version of the workflow.</summary>
    Task<WorkflowVersion?> GetAsync(string tenantId, string workflowId, int version, CancellationToken cancellationToken = default);

    /// <summary>The newest version of a workflow, or <see langword="null"/> when none is recorded.</summary>
    Task<WorkflowVersion?> GetLatestAsync(string tenantId, string workflowId, CancellationToken cancellationToken = default);

    /// <summary>A workflow's versions newest first: at most <paramref name="limit"/>, older than <paramref name="beforeVersion"/> when given.</summary>
    Task<IReadOnlyList<WorkflowVersion>> ListAsync(string tenantId, string workflowId, int limit, int? beforeVersion = null, CancellationToken cancellationToken = default);
}

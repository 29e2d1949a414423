namespace Allixios.N8nBridge;

/// <summary>
/// A client for n8n's public REST API: typed calls, cursor paging done for you, and clear errors. Every call throws
/// <see cref="N8nApiException"/> when n8n refuses or fails it (its message carries n8n's).
/// </summary>
public interface IN8nClient
{
    /// <summary>One workflow.</summary>
    /// <exception cref="N8nApiException">n8n refused or failed the call.</exception>
    Task<N8nWorkflow> GetWorkflowAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>One page of workflows; pass the page's <see cref="N8nPage{T}.NextCursor"/> for the next.</summary>
    /// <param name="query">The filters.</param>
    /// <param name="limit">Items per page, 1 to 250; none means n8n's default (100).</param>
    /// <param name="cursor">The cursor of the page to read; none for the first.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task<N8nPage<N8nWorkflow>> ListWorkflowsAsync(N8nWorkflowQuery query, int? limit = null, string? cursor = null, CancellationToken cancellationToken = default);

    /// <summary>Every workflow, following n8n's cursors page by page.</summary>
    IAsyncEnumerable<N8nWorkflow> ListAllWorkflowsAsync(bool? active = null, CancellationToken cancellationToken = default);

    /// <summary>Every workflow that matches <paramref name="query"/>, following n8n's cursors page by page.</summary>
    IAsyncEnumerable<N8nWorkflow> ListAllWorkflowsAsync(N8nWorkflowQuery query, CancellationToken cancellationToken = default);

    /// <summary>Creates a workflow (inactive) from its writable fields; answers it with its new id.</summary>
    /// <exception cref="AllixiosException">The definition is not a valid workflow.</exception>
    Task<N8nWorkflow> CreateWorkflowAsync(N8nWorkflowDefinition definition, CancellationToken cancellationToken = default);

    /// <summary>Replaces a workflow's writable fields (<c>PUT</c>); n8n re-activates an active workflow with them.</summary>
    /// <exception cref="AllixiosException">The definition is not a valid workflow.</exception>
    Task<N8nWorkflow> UpdateWorkflowAsync(string id, N8nWorkflowDefinition definition, CancellationToken cancellationToken = default);

    /// <summary>Deletes a workflow; answers it as it was.</summary>
    Task<N8nWorkflow> DeleteWorkflowAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Activates (on n8n 2.x: publishes) a workflow's triggers.</summary>
    Task<N8nWorkflow> ActivateWorkflowAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Deactivates (on n8n 2.x: unpublishes) a workflow's triggers.</summary>
    Task<N8nWorkflow> DeactivateWorkflowAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>A workflow's tags.</summary>
    Task<IReadOnlyList<N8nTag>> GetWorkflowTagsAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Replaces a workflow's tags with the tags of these ids (the tags must exist in n8n); answers the new tags.</summary>
    Task<IReadOnlyList<N8nTag>> UpdateWorkflowTagsAsync(string id, IEnumerable<string> tagIds, CancellationToken cancellationToken = default);

    /// <summary>One page of executions, newest first; pass the page's <see cref="N8nPage{T}.NextCursor"/> for the next.</summary>
    /// <param name="query">The filters, and whether to include run data.</param>
    /// <param name="limit">Items per page, 1 to 250; none means n8n's default (100).</param>
    /// <param name="cursor">The cursor of the page to read; none for the first.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task<N8nPage<N8nExecution>> ListExecutionsAsync(N8nExecutionQuery query, int? limit = null, string? cursor = null, CancellationToken cancellationToken = default);

    /// <summary>Every execution (of one workflow, or of all), newest first, following n8n's cursors.</summary>
    IAsyncEnumerable<N8nExecution> ListAllExecutionsAsync(string? workflowId = null, string? status = null, CancellationToken cancellationToken = default);

    /// <summary>Every execution that matches <paramref name="query"/>, newest first, following n8n's cursors.</summary>
    IAsyncEnumerable<N8nExecution> ListAllExecutionsAsync(N8nExecutionQuery query, CancellationToken cancellationToken = default);

    /// <summary>One execution, with its run data when <paramref name="includeData"/> is true.</summary>
    Task<N8nExecution> GetExecutionAsync(string id, bool includeData = false, CancellationToken cancellationToken = default);

    /// <summary>Deletes an execution; answers it as it was.</summary>
    Task<N8nExecution> DeleteExecutionAsync(string id, CancellationToken cancellationToken = default);
}

namespace Allixios.N8nBridge;

/// <summary>A client for n8n's public REST API: typed calls, cursor paging done for you, and clear errors.</summary>
public interface IN8nClient
{
    /// <summary>One workflow.</summary>
    /// <exception cref="N8nApiException">n8n refused or failed the call.</exception>
    Task<N8nWorkflow> GetWorkflowAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Every workflow, following n8n's cursors page by page.</summary>
    IAsyncEnumerable<N8nWorkflow> ListAllWorkflowsAsync(bool? active = null, CancellationToken cancellationToken = default);

    /// <summary>Activates a workflow's triggers.</summary>
    Task<N8nWorkflow> ActivateWorkflowAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Deactivates a workflow's triggers.</summary>
    Task<N8nWorkflow> DeactivateWorkflowAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Every execution (of one workflow, or of all), newest first, following n8n's cursors.</summary>
    IAsyncEnumerable<N8nExecution> ListAllExecutionsAsync(string? workflowId = null, string? status = null, CancellationToken cancellationToken = default);
}

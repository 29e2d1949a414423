using Refit;

namespace Allixios.N8nBridge;

/// <summary>n8n's public REST API (<c>/api/v1</c>), as Refit declares it. Use <see cref="IN8nClient"/> in code.</summary>
public interface IN8nApi
{
    /// <summary>A page of workflows.</summary>
    [Get("/api/v1/workflows")]
    Task<N8nPage<N8nWorkflow>> ListWorkflowsAsync([AliasAs("active")] bool? active = null, [AliasAs("tags")] string? tags = null, [AliasAs("limit")] int? limit = null, [AliasAs("cursor")] string? cursor = null, CancellationToken cancellationToken = default);

    /// <summary>One workflow.</summary>
    [Get("/api/v1/workflows/{id}")]
    Task<N8nWorkflow> GetWorkflowAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Activates a workflow's triggers.</summary>
    [Post("/api/v1/workflows/{id}/activate")]
    Task<N8nWorkflow> ActivateWorkflowAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Deactivates a workflow's triggers.</summary>
    [Post("/api/v1/workflows/{id}/deactivate")]
    Task<N8nWorkflow> DeactivateWorkflowAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>A page of executions, newest first.</summary>
    [Get("/api/v1/executions")]
    Task<N8nPage<N8nExecution>> ListExecutionsAsync([AliasAs("workflowId")] string? workflowId = null, [AliasAs("status")] string? status = null, [AliasAs("limit")] int? limit = null, [AliasAs("cursor")] string? cursor = null, CancellationToken cancellationToken = default);
}

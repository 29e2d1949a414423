using Refit;

namespace Allixios.N8nBridge;

/// <summary>
/// n8n's public REST API (<c>/api/v1</c>, n8n 1.x and 2.x), as Refit declares it. Use <see cref="IN8nClient"/> in code:
/// it pages, validates and explains errors.
/// </summary>
public interface IN8nApi
{
    /// <summary>A page of workflows.</summary>
    [Get("/api/v1/workflows")]
    Task<N8nPage<N8nWorkflow>> ListWorkflowsAsync(
        [AliasAs("active")] bool? active = null,
        [AliasAs("tags")] string? tags = null,
        [AliasAs("name")] string? name = null,
        [AliasAs("projectId")] string? projectId = null,
        [AliasAs("excludePinnedData")] bool? excludePinnedData = null,
        [AliasAs("limit")] int? limit = null,
        [AliasAs("cursor")] string? cursor = null,
        CancellationToken cancellationToken = default);

    /// <summary>One workflow.</summary>
    [Get("/api/v1/workflows/{id}")]
    Task<N8nWorkflow> GetWorkflowAsync(string id, [AliasAs("excludePinnedData")] bool? excludePinnedData = null, CancellationToken cancellationToken = default);

    /// <summary>Creates a workflow (inactive) from its writable fields.</summary>
    [Post("/api/v1/workflows")]
    Task<N8nWorkflow> CreateWorkflowAsync([Body] N8nWorkflowDefinition workflow, CancellationToken cancellationToken = default);

    /// <summary>Replaces a workflow's writable fields; n8n re-activates an active workflow with the new version.</summary>
    [Put("/api/v1/workflows/{id}")]
    Task<N8nWorkflow> UpdateWorkflowAsync(string id, [Body] N8nWorkflowDefinition workflow, CancellationToken cancellationToken = default);

    /// <summary>Deletes a workflow; answers the deleted workflow.</summary>
    [Delete("/api/v1/workflows/{id}")]
    Task<N8nWorkflow> DeleteWorkflowAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Activates (on 2.x: publishes) a workflow's triggers.</summary>
    [Post("/api/v1/workflows/{id}/activate")]
    Task<N8nWorkflow> ActivateWorkflowAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Deactivates (on 2.x: unpublishes) a workflow's triggers.</summary>
    [Post("/api/v1/workflows/{id}/deactivate")]
    Task<N8nWorkflow> DeactivateWorkflowAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>A workflow's tags.</summary>
    [Get("/api/v1/workflows/{id}/tags")]
    Task<IReadOnlyList<N8nTag>> GetWorkflowTagsAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Replaces a workflow's tags with the tags of these ids (<c>[{"id": …}]</c>); answers the new tags.</summary>
    [Put("/api/v1/workflows/{id}/tags")]
    Task<IReadOnlyList<N8nTag>> UpdateWorkflowTagsAsync(string id, [Body] IReadOnlyList<N8nTagId> tagIds, CancellationToken cancellationToken = default);

    /// <summary>A page of executions, newest first.</summary>
    [Get("/api/v1/executions")]
    Task<N8nPage<N8nExecution>> ListExecutionsAsync(
        [AliasAs("workflowId")] string? workflowId = null,
        [AliasAs("status")] string? status = null,
        [AliasAs("projectId")] string? projectId = null,
        [AliasAs("includeData")] bool? includeData = null,
        [AliasAs("limit")] int? limit = null,
        [AliasAs("cursor")] string? cursor = null,
        CancellationToken cancellationToken = default);

    /// <summary>One execution, with its run data when <paramref name="includeData"/> is true.</summary>
    [Get("/api/v1/executions/{id}")]
    Task<N8nExecution> GetExecutionAsync(string id, [AliasAs("includeData")] bool? includeData = null, CancellationToken cancellationToken = default);

    /// <summary>Deletes an execution; answers the deleted execution.</summary>
    [Delete("/api/v1/executions/{id}")]
    Task<N8nExecution> DeleteExecutionAsync(string id, CancellationToken cancellationToken = default);
}

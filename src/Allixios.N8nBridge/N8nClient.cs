using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Polly.CircuitBreaker;
using Polly.Timeout;
using Refit;

namespace Allixios.N8nBridge;

/// <summary>The <see cref="IN8nClient"/> over the Refit-generated <see cref="IN8nApi"/>.</summary>
internal sealed class N8nClient(IN8nApi api) : IN8nClient
{
    // n8n's public API accepts at most 250 items a page.
    private const int MaxPageSize = 250;

    public Task<N8nWorkflow> GetWorkflowAsync(string id, CancellationToken cancellationToken = default)
        => CallAsync(() => api.GetWorkflowAsync(RequireId(id), excludePinnedData: null, cancellationToken), "Reading", $"workflow '{id}'");

    public Task<N8nPage<N8nWorkflow>> ListWorkflowsAsync(N8nWorkflowQuery query, int? limit = null, string? cursor = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        RequireLimit(limit);
        return CallAsync(
            () => api.ListWorkflowsAsync(query.Active, query.Tags.Count == 0 ? null : string.Join(',', query.Tags), query.Name, query.ProjectId, query.ExcludePinnedData, limit, cursor, cancellationToken),
            "Listing",
            "workflows");
    }

    public IAsyncEnumerable<N8nWorkflow> ListAllWorkflowsAsync(bool? active = null, CancellationToken cancellationToken = default)
        => ListAllWorkflowsAsync(new N8nWorkflowQuery { Active = active }, cancellationToken);

    public async IAsyncEnumerable<N8nWorkflow> ListAllWorkflowsAsync(N8nWorkflowQuery query, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        string? cursor = null;
        do
        {
            var page = await ListWorkflowsAsync(query, MaxPageSize, cursor, cancellationToken);
            foreach (var workflow in page.Data)
            {
                yield return workflow;
            }

            cursor = page.NextCursor;
        }
        while (!string.IsNullOrEmpty(cursor));
    }

    public Task<N8nWorkflow> CreateWorkflowAsync(N8nWorkflowDefinition definition, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(definition);
        definition.Validate();
        return CallAsync(() => api.CreateWorkflowAsync(definition, cancellationToken), "Creating", $"workflow '{definition.Name}'");
    }

    public Task<N8nWorkflow> UpdateWorkflowAsync(string id, N8nWorkflowDefinition definition, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(definition);
        RequireId(id);
        definition.Validate();
        return CallAsync(() => api.UpdateWorkflowAsync(id, definition, cancellationToken), "Updating", $"workflow '{id}'");
    }

    public Task<N8nWorkflow> DeleteWorkflowAsync(string id, CancellationToken cancellationToken = default)
        => CallAsync(() => api.DeleteWorkflowAsync(RequireId(id), cancellationToken), "Deleting", $"workflow '{id}'");

    public Task<N8nWorkflow> ActivateWorkflowAsync(string id, CancellationToken cancellationToken = default)
        => CallAsync(() => api.ActivateWorkflowAsync(RequireId(id), cancellationToken), "Activating", $"workflow '{id}'");

    public Task<N8nWorkflow> DeactivateWorkflowAsync(string id, CancellationToken cancellationToken = default)
        => CallAsync(() => api.DeactivateWorkflowAsync(RequireId(id), cancellationToken), "Deactivating", $"workflow '{id}'");

    public Task<IReadOnlyList<N8nTag>> GetWorkflowTagsAsync(string id, CancellationToken cancellationToken = default)
        => CallAsync(() => api.GetWorkflowTagsAsync(RequireId(id), cancellationToken), "Reading the tags of", $"workflow '{id}'");

    public Task<IReadOnlyList<N8nTag>> UpdateWorkflowTagsAsync(string id, IEnumerable<string> tagIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tagIds);
        RequireId(id);
        var ids = tagIds.Select(t => new N8nTagId(RequireId(t))).ToList();
        return CallAsync(() => api.UpdateWorkflowTagsAsync(id, ids, cancellationToken), "Tagging", $"workflow '{id}'");
    }

    public Task<N8nPage<N8nExecution>> ListExecutionsAsync(N8nExecutionQuery query, int? limit = null, string? cursor = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        RequireLimit(limit);
        return CallAsync(
            () => api.ListExecutionsAsync(query.WorkflowId, query.Status, query.ProjectId, query.IncludeData ? true : null, limit, cursor, cancellationToken),
            "Listing",
            query.WorkflowId is null ? "executions" : $"executions of workflow '{query.WorkflowId}'");
    }

    public IAsyncEnumerable<N8nExecution> ListAllExecutionsAsync(string? workflowId = null, string? status = null, CancellationToken cancellationToken = default)
        => ListAllExecutionsAsync(new N8nExecutionQuery { WorkflowId = workflowId, Status = status }, cancellationToken);

    public async IAsyncEnumerable<N8nExecution> ListAllExecutionsAsync(N8nExecutionQuery query, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        string? cursor = null;
        do
        {
            var page = await ListExecutionsAsync(query, MaxPageSize, cursor, cancellationToken);
            foreach (var execution in page.Data)
            {
                yield return execution;
            }

            cursor = page.NextCursor;
        }
        while (!string.IsNullOrEmpty(cursor));
    }

    public Task<N8nExecution> GetExecutionAsync(string id, bool includeData = false, CancellationToken cancellationToken = default)
        => CallAsync(() => api.GetExecutionAsync(RequireId(id), includeData ? true : null, cancellationToken), "Reading", $"execution '{id}'");

    public Task<N8nExecution> DeleteExecutionAsync(string id, CancellationToken cancellationToken = default)
        => CallAsync(() => api.DeleteExecutionAsync(RequireId(id), cancellationToken), "Deleting", $"execution '{id}'");

    private static string RequireId(string id)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        return id;
    }

    private static void RequireLimit(int? limit)
    {
        if (limit is < 1 or > MaxPageSize)
        {
            throw new ArgumentOutOfRangeException(nameof(limit), limit, $"n8n pages hold 1 to {MaxPageSize} items.");
        }
    }

    private static async Task<T> CallAsync<T>(Func<Task<T>> call, string action, string what)
    {
        try
        {
            return await call();
        }
        catch (ApiException e)
        {
            var said = MessageOf(e.Content);
            var hint = e.StatusCode switch
            {
                HttpStatusCode.Unauthorized => "n8n refused the API key: check N8nClientOptions.ApiKey (Settings → n8n API in n8n).",
                HttpStatusCode.Forbidden => "the API key may not do this: check its scopes in n8n.",
                HttpStatusCode.NotFound => $"n8n has no {what}.",
                HttpStatusCode.BadRequest => "n8n refused the request as invalid.",
                HttpStatusCode.TooManyRequests => "n8n is rate limiting this client; the retries ran out.",
                _ => $"n8n answered {(int)e.StatusCode} {e.ReasonPhrase}.",
            };
            throw new N8nApiException(e.StatusCode, $"{action} {what} in n8n failed: {hint} n8n said: {Truncate(said ?? e.Content)}", said, e);
        }
        catch (Exception e) when (e is HttpRequestException or BrokenCircuitException or TimeoutRejectedException)
        {
            var hint = e switch
            {
                BrokenCircuitException => "too many calls to n8n failed recently, so calls are paused for a while (circuit breaker open).",
                TimeoutRejectedException => "n8n did not answer in time.",
                _ => $"n8n could not be reached ({e.Message}): check N8nClientOptions.BaseAddress and that n8n runs.",
            };
            throw new N8nApiException(HttpStatusCode.ServiceUnavailable, $"{action} {what} in n8n failed: {hint}", n8nMessage: null, e);
        }
    }

    // n8n's errors are {"message": "..."} (sometimes with "code" and "hint"); anything else is shown as it came.
    private static string? MessageOf(string? content)
    {
        if (string.IsNullOrWhiteSpace(content))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(content);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("message", out var message)
                && message.ValueKind == JsonValueKind.String
                ? message.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Truncate(string? content) => content is null ? "(nothing)" : content.Length <= 300 ? content : content[..300] + "…";
}

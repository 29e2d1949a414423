using System.Net;
using System.Runtime.CompilerServices;
using Refit;

namespace Allixios.N8nBridge;

/// <summary>The <see cref="IN8nClient"/> over the Refit-generated <see cref="IN8nApi"/>.</summary>
internal sealed class N8nClient(IN8nApi api) : IN8nClient
{
    // n8n's public API accepts at most 250 items a page.
    private const int PageSize = 250;

    public Task<N8nWorkflow> GetWorkflowAsync(string id, CancellationToken cancellationToken = default)
        => CallAsync(() => api.GetWorkflowAsync(RequireId(id), cancellationToken), $"workflow '{id}'");

    public Task<N8nWorkflow> ActivateWorkflowAsync(string id, CancellationToken cancellationToken = default)
        => CallAsync(() => api.ActivateWorkflowAsync(RequireId(id), cancellationToken), $"workflow '{id}'");

    public Task<N8nWorkflow> DeactivateWorkflowAsync(string id, CancellationToken cancellationToken = default)
        => CallAsync(() => api.DeactivateWorkflowAsync(RequireId(id), cancellationToken), $"workflow '{id}'");

    public async IAsyncEnumerable<N8nWorkflow> ListAllWorkflowsAsync(bool? active = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        string? cursor = null;
        do
        {
            var page = await CallAsync(() => api.ListWorkflowsAsync(active, tags: null, PageSize, cursor, cancellationToken), "workflows");
            foreach (var workflow in page.Data)
            {
                yield return workflow;
            }

            cursor = page.NextCursor;
        }
        while (!string.IsNullOrEmpty(cursor));
    }

    public async IAsyncEnumerable<N8nExecution> ListAllExecutionsAsync(string? workflowId = null, string? status = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        string? cursor = null;
        do
        {
            var page = await CallAsync(() => api.ListExecutionsAsync(workflowId, status, PageSize, cursor, cancellationToken), "executions");
            foreach (var execution in page.Data)
            {
                yield return execution;
            }

            cursor = page.NextCursor;
        }
        while (!string.IsNullOrEmpty(cursor));
    }

    private static string RequireId(string id)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        return id;
    }

    private static async Task<T> CallAsync<T>(Func<Task<T>> call, string what)
    {
        try
        {
            return await call();
        }
        catch (ApiException e)
        {
            var hint = e.StatusCode switch
            {
                HttpStatusCode.Unauthorized => "n8n refused the API key: check N8nClientOptions.ApiKey (Settings → n8n API in n8n).",
                HttpStatusCode.Forbidden => "the API key may not do this: check its scopes in n8n.",
                HttpStatusCode.NotFound => $"n8n has no {what}.",
                _ => $"n8n answered {(int)e.StatusCode} {e.ReasonPhrase}.",
            };
            throw new N8nApiException(e.StatusCode, $"Reading {what} from n8n failed: {hint} n8n said: {Truncate(e.Content)}", e);
        }
    }

    private static string Truncate(string? content) => content is null ? "(nothing)" : content.Length <= 300 ? content : content[..300] + "…";
}

using System.Globalization;
using System.Net;
using Allixios.N8nBridge;
using Allixios.N8nBridge.Analysis;
using Allixios.N8nBridge.Versioning;
using Allixios.Runtime.Errors;
using Allixios.Runtime.Hosting;
using Allixios.Runtime.Security;
using Allixios.Tenancy;
using Grpc.Core;
using Wire = Allixios.Runtime.Contracts.V1;

namespace Allixios.Runtime.Services;

/// <summary>
/// The runtime's n8n through the bridge, over gRPC and HTTP/JSON. Versions belong to the caller's tenant. n8n's
/// refusals become 4xx with n8n's message; n8n unreachable is 503; n8n not configured is 412 saying what to set.
/// </summary>
internal sealed class N8nWorkflowsService(IServiceProvider services, IConfiguration configuration, ExecutionAnalyzer analyzer) : Wire.N8nWorkflows.N8nWorkflowsBase
{
    private const int DefaultWorkflowPage = 100;
    private const int MaxWorkflowPage = 250;
    private const int DefaultVersionPage = 50;
    private const int MaxVersionPage = 500;
    private const int DefaultExecutions = 50;
    private const int MaxExecutions = 500;

    public override async Task<Wire.ListN8nWorkflowsResponse> ListN8nWorkflows(Wire.ListN8nWorkflowsRequest request, ServerCallContext context)
    {
        Caller.From(context).Require(ApiScopes.N8nRead);
        var client = Client(context);
        var pageSize = PageSize(request.PageSize, DefaultWorkflowPage, MaxWorkflowPage);
        var query = new N8nWorkflowQuery
        {
            Active = request.HasActive ? request.Active : null,
            Tags = [.. request.Tags],
            Name = request.Name.Length == 0 ? null : request.Name,
            ProjectId = request.ProjectId.Length == 0 ? null : request.ProjectId,
        };
        var page = await CallAsync(context, () => client.ListWorkflowsAsync(query, pageSize, request.PageToken.Length == 0 ? null : request.PageToken, context.CancellationToken));
        var response = new Wire.ListN8nWorkflowsResponse { NextPageToken = page.NextCursor ?? string.Empty };
        response.Workflows.Add(page.Data.Select(N8nMapping.Workflow));
        return response;
    }

    public override async Task<Wire.N8nWorkflow> GetN8nWorkflow(Wire.GetN8nWorkflowRequest request, ServerCallContext context)
    {
        Caller.From(context).Require(ApiScopes.N8nRead);
        var client = Client(context);
        var id = WorkflowId(request.WorkflowId);
        return N8nMapping.Workflow(await CallAsync(context, () => client.GetWorkflowAsync(id, context.CancellationToken)));
    }

    public override async Task<Wire.N8nWorkflowVersion> CreateN8nWorkflow(Wire.CreateN8nWorkflowRequest request, ServerCallContext context)
    {
        var caller = Caller.From(context);
        caller.Require(ApiScopes.N8nWrite);
        var versions = VersionControl(context);
        var definition = N8nMapping.Definition(request.Name, request.Nodes, request.Connections, request.Settings, request.StaticData);
        var version = await CallAsync(context, () => versions.CreateAsync(caller.TenantId, definition, Author(caller), request.Note, context.CancellationToken));
        return N8nMapping.Version(version, withDefinition: true);
    }

    public override async Task<Wire.N8nWorkflowVersion> UpdateN8nWorkflow(Wire.UpdateN8nWorkflowRequest request, ServerCallContext context)
    {
        var caller = Caller.From(context);
        caller.Require(ApiScopes.N8nWrite);
        var versions = VersionControl(context);
        var id = WorkflowId(request.WorkflowId);
        var definition = N8nMapping.Definition(request.Name, request.Nodes, request.Connections, request.Settings, request.StaticData);
        var version = await CallAsync(context, () => versions.UpdateAsync(caller.TenantId, id, definition, Author(caller), request.Note, context.CancellationToken));
        return N8nMapping.Version(version, withDefinition: true);
    }

    public override async Task<Wire.N8nWorkflowVersion> ActivateN8nWorkflow(Wire.N8nWorkflowActionRequest request, ServerCallContext context)
    {
        var caller = Caller.From(context);
        caller.Require(ApiScopes.N8nWrite);
        var versions = VersionControl(context);
        var id = WorkflowId(request.WorkflowId);
        return N8nMapping.Version(await CallAsync(context, () => versions.ActivateAsync(caller.TenantId, id, Author(caller), request.Note, context.CancellationToken)), withDefinition: true);
    }

    public override async Task<Wire.N8nWorkflowVersion> DeactivateN8nWorkflow(Wire.N8nWorkflowActionRequest request, ServerCallContext context)
    {
        var caller = Caller.From(context);
        caller.Require(ApiScopes.N8nWrite);
        var versions = VersionControl(context);
        var id = WorkflowId(request.WorkflowId);
        return N8nMapping.Version(await CallAsync(context, () => versions.DeactivateAsync(caller.TenantId, id, Author(caller), request.Note, context.CancellationToken)), withDefinition: true);
    }

    public override async Task<Wire.SyncN8nWorkflowResponse> SyncN8nWorkflow(Wire.N8nWorkflowActionRequest request, ServerCallContext context)
    {
        var caller = Caller.From(context);
        caller.Require(ApiScopes.N8nWrite);
        var versions = VersionControl(context);
        var id = WorkflowId(request.WorkflowId);
        var result = await CallAsync(context, () => versions.SyncAsync(caller.TenantId, id, author: null, context.CancellationToken));
        return new Wire.SyncN8nWorkflowResponse { Version = N8nMapping.Version(result.Version, withDefinition: true), Changed = result.Changed };
    }

    public override async Task<Wire.ListN8nWorkflowVersionsResponse> ListN8nWorkflowVersions(Wire.ListN8nWorkflowVersionsRequest request, ServerCallContext context)
    {
        var caller = Caller.From(context);
        caller.Require(ApiScopes.N8nRead);
        var versions = VersionControl(context);
        var id = WorkflowId(request.WorkflowId);
        var pageSize = PageSize(request.PageSize, DefaultVersionPage, MaxVersionPage);
        int? before = null;
        if (request.PageToken.Length > 0)
        {
            before = int.TryParse(request.PageToken, NumberStyles.None, CultureInfo.InvariantCulture, out var token) && token >= 1
                ? token
                : throw Invalid("page_token_invalid", $"Page token '{request.PageToken}' is not one this API gave: pass the nextPageToken of the previous page, or none for the first.");
        }

        var page = await versions.ListVersionsAsync(caller.TenantId, id, pageSize, before, context.CancellationToken);
        var response = new Wire.ListN8nWorkflowVersionsResponse
        {
            NextPageToken = page.Count == pageSize && page[^1].Version > 1 ? page[^1].Version.ToString(CultureInfo.InvariantCulture) : string.Empty,
        };
        response.Versions.Add(page.Select(v => N8nMapping.Version(v, withDefinition: false)));
        return response;
    }

    public override async Task<Wire.N8nWorkflowVersion> GetN8nWorkflowVersion(Wire.GetN8nWorkflowVersionRequest request, ServerCallContext context)
    {
        var caller = Caller.From(context);
        caller.Require(ApiScopes.N8nRead);
        var versions = VersionControl(context);
        var id = WorkflowId(request.WorkflowId);
        var version = await versions.GetVersionAsync(caller.TenantId, id, VersionNumber(request.Version, "version"), context.CancellationToken);
        return N8nMapping.Version(version, withDefinition: true);
    }

    public override async Task<Wire.N8nWorkflowDiff> DiffN8nWorkflowVersions(Wire.DiffN8nWorkflowVersionsRequest request, ServerCallContext context)
    {
        var caller = Caller.From(context);
        caller.Require(ApiScopes.N8nRead);
        var versions = VersionControl(context);
        var id = WorkflowId(request.WorkflowId);
        var diff = await versions.DiffAsync(caller.TenantId, id, VersionNumber(request.FromVersion, "fromVersion"), VersionNumber(request.ToVersion, "toVersion"), context.CancellationToken);
        return N8nMapping.Diff(diff);
    }

    public override async Task<Wire.N8nWorkflowVersion> RollbackN8nWorkflow(Wire.RollbackN8nWorkflowRequest request, ServerCallContext context)
    {
        var caller = Caller.From(context);
        caller.Require(ApiScopes.N8nWrite);
        var versions = VersionControl(context);
        var id = WorkflowId(request.WorkflowId);
        var number = VersionNumber(request.Version, "version");
        var version = await CallAsync(context, () => versions.RollbackAsync(caller.TenantId, id, number, Author(caller), request.Note, context.CancellationToken));
        return N8nMapping.Version(version, withDefinition: true);
    }

    public override async Task<Wire.N8nExecutionAnalysis> AnalyzeN8nExecutions(Wire.AnalyzeN8nExecutionsRequest request, ServerCallContext context)
    {
        Caller.From(context).Require(ApiScopes.N8nRead);
        var client = Client(context);
        var id = WorkflowId(request.WorkflowId);
        var wanted = PageSize(request.LastExecutions, DefaultExecutions, MaxExecutions, "lastExecutions");
        // n8n lists executions of an unknown workflow as an empty page; reading the workflow first makes that a 404.
        await CallAsync(context, () => client.GetWorkflowAsync(id, context.CancellationToken));
        var executions = new List<N8nExecution>();
        string? cursor = null;
        do
        {
            var page = await CallAsync(context, () => client.ListExecutionsAsync(new N8nExecutionQuery { WorkflowId = id, IncludeData = true }, Math.Min(MaxWorkflowPage, wanted - executions.Count), cursor, context.CancellationToken));
            executions.AddRange(page.Data.Take(wanted - executions.Count));
            cursor = page.NextCursor;
        }
        while (executions.Count < wanted && !string.IsNullOrEmpty(cursor));

        return N8nMapping.Analysis(analyzer.Analyze(executions));
    }

    private IN8nClient Client(ServerCallContext context)
    {
        RequireConfigured(context);
        return services.GetRequiredService<IN8nClient>();
    }

    private WorkflowVersionControl VersionControl(ServerCallContext context)
    {
        RequireConfigured(context);
        return services.GetRequiredService<WorkflowVersionControl>();
    }

    private void RequireConfigured(ServerCallContext context)
    {
        if (!N8nBridgeConfiguration.IsConfigured(services))
        {
            var http = context.GetHttpContext();
            ErrorMapping.SetHttpStatus(http, StatusCodes.Status412PreconditionFailed);
            throw ErrorMapping.WithReason(new Status(StatusCode.FailedPrecondition, N8nBridgeConfiguration.MissingSettings(configuration)), http, "n8n_not_configured");
        }
    }

    private static async Task<T> CallAsync<T>(ServerCallContext context, Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (N8nApiException e)
        {
            var http = context.GetHttpContext();
            var said = e.N8nMessage is { Length: > 0 } message ? $" n8n said: {message}" : string.Empty;
            switch (e.StatusCode)
            {
                case HttpStatusCode.NotFound:
                    throw ErrorMapping.WithReason(new Status(StatusCode.NotFound, e.Message), http, "n8n_not_found");
                case HttpStatusCode.BadRequest:
                case HttpStatusCode.UnprocessableEntity:
                    throw ErrorMapping.WithReason(new Status(StatusCode.InvalidArgument, $"n8n refused the request.{said} Fix the workflow and send it again."), http, "n8n_rejected");
                case HttpStatusCode.Unauthorized:
                case HttpStatusCode.Forbidden:
                    ErrorMapping.SetHttpStatus(http, StatusCodes.Status412PreconditionFailed);
                    throw ErrorMapping.WithReason(new Status(StatusCode.FailedPrecondition, $"n8n refused the runtime's API key: check N8n:ApiKey (Settings → n8n API in n8n).{said}"), http, "n8n_unauthorized");
                case HttpStatusCode.Conflict:
                    throw ErrorMapping.WithReason(new Status(StatusCode.FailedPrecondition, $"n8n refused the change in the workflow's current state.{said}"), http, "n8n_conflict");
                case HttpStatusCode.TooManyRequests:
                    throw ErrorMapping.WithReason(new Status(StatusCode.ResourceExhausted, $"n8n is rate limiting the runtime; try again later.{said}"), http, "n8n_rate_limited");
                default:
                    throw ErrorMapping.WithReason(new Status(StatusCode.Unavailable, e.Message), http, "n8n_unavailable");
            }
        }
    }

    private static string Author(Caller caller) => caller.KeyName.Length == 0 ? caller.KeyId : $"{caller.KeyName} ({caller.KeyId})";

    private static string WorkflowId(string id) => string.IsNullOrWhiteSpace(id) || id.Length > 200
        ? throw Invalid("n8n_workflow_id_invalid", "A workflow id (n8n's, 1 to 200 characters) is required.")
        : id;

    private static int VersionNumber(int version, string field) => version >= 1
        ? version
        : throw Invalid("n8n_workflow_version_invalid", $"{field} must be a version number, 1 or more; list the versions to find one.");

    private static int PageSize(int requested, int defaultSize, int max, string field = "pageSize") => requested switch
    {
        0 => defaultSize,
        < 0 => throw Invalid("page_size_invalid", $"{field} must be 1 to {max} (0 means {defaultSize})."),
        _ when requested > max => throw Invalid("page_size_invalid", $"{field} must be 1 to {max} (0 means {defaultSize})."),
        _ => requested,
    };

    private static AllixiosException Invalid(string reason, string message) => new(AllixiosErrorKind.InvalidArgument, reason, message);
}

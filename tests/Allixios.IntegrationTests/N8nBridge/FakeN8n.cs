using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using WireMock;
using WireMock.Matchers;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Types;
using WireMock.Util;

namespace Allixios.IntegrationTests.N8nBridge;

/// <summary>
/// n8n's public API as WireMock plays it, keeping workflows and refusing what n8n 2.8 refuses: a missing or wrong
/// <c>X-N8N-API-KEY</c> (401), unknown workflows (404), and bodies with properties or settings outside n8n's schema
/// (400 "request/body must NOT have additional properties").
/// </summary>
public sealed class FakeN8n : IDisposable
{
    public const string ApiKey = "n8n_api_itest";
    private static readonly HashSet<string> Writable = ["name", "nodes", "connections", "settings", "staticData"];
    private static readonly HashSet<string> Settings = ["saveExecutionProgress", "saveManualExecutions", "saveDataErrorExecution", "saveDataSuccessExecution", "executionTimeout", "errorWorkflow", "timezone", "executionOrder", "callerPolicy", "callerIds", "timeSavedPerExecution", "availableInMCP"];
    private readonly ConcurrentDictionary<string, JsonObject> _workflows = new();
    private int _next;

    public FakeN8n()
    {
        Server = WireMockServer.Start();
        Server.Given(Request.Create().WithPath(new RegexMatcher(".*")).UsingAnyMethod()).AtPriority(1000).RespondWith(Response.Create().WithCallback(Handle));
    }

    public WireMockServer Server { get; }

    public string Url => Server.Url!;

    /// <summary>The executions answered for <c>GET /api/v1/executions</c>, as n8n's JSON objects.</summary>
    public List<string> Executions { get; } = [];

    public void Dispose() => Server.Stop();

    private ResponseMessage Handle(IRequestMessage request)
    {
        if (!request.Headers!.TryGetValue("X-N8N-API-KEY", out var key) || key.FirstOrDefault() != ApiKey)
        {
            return Answer(401, """{"message":"'X-N8N-API-KEY' header required"}""");
        }

        var parts = request.Path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (parts is ["api", "v1", "executions"] && request.Method == "GET")
        {
            var workflowId = request.Query!.TryGetValue("workflowId", out var w) ? w.Single() : null;
            var data = Executions.Select(e => JsonNode.Parse(e)!.AsObject()).Where(e => workflowId is null || (string?)e["workflowId"] == workflowId);
            return Answer(200, new JsonObject { ["data"] = new JsonArray([.. data]), ["nextCursor"] = null }.ToJsonString());
        }

        if (parts is ["api", "v1", "workflows"] && request.Method == "GET")
        {
            return Answer(200, new JsonObject { ["data"] = new JsonArray([.. _workflows.Values.Select(w => w.DeepClone())]), ["nextCursor"] = null }.ToJsonString());
        }

        if (parts is ["api", "v1", "workflows"] && request.Method == "POST")
        {
            if (Refuse(request.Body) is { } refusal)
            {
                return refusal;
            }

            var id = "wf" + Interlocked.Increment(ref _next).ToString(CultureInfo.InvariantCulture);
            var workflow = JsonNode.Parse(request.Body!)!.AsObject();
            workflow["id"] = id;
            workflow["active"] = false;
            workflow["tags"] = new JsonArray();
            Stamp(workflow);
            _workflows[id] = workflow;
            return Answer(200, workflow.ToJsonString());
        }

        if (parts.Length >= 4 && parts[2] == "workflows")
        {
            if (!_workflows.TryGetValue(parts[3], out var workflow))
            {
                return Answer(404, """{"message":"Not Found"}""");
            }

            switch (parts.Length, request.Method)
            {
                case (4, "GET"):
                    return Answer(200, workflow.ToJsonString());
                case (4, "PUT"):
                    if (Refuse(request.Body) is { } refusal)
                    {
                        return refusal;
                    }

                    var body = JsonNode.Parse(request.Body!)!.AsObject();
                    foreach (var property in Writable)
                    {
                        workflow[property] = body[property]?.DeepClone();
                    }

                    Stamp(workflow);
                    return Answer(200, workflow.ToJsonString());
                case (5, "POST") when parts[4] is "activate" or "deactivate":
                    workflow["active"] = parts[4] == "activate";
                    Stamp(workflow);
                    return Answer(200, workflow.ToJsonString());
            }
        }

        return Answer(404, """{"message":"not found"}""");
    }

    private static ResponseMessage? Refuse(string? body)
    {
        var workflow = JsonNode.Parse(body ?? "{}")!.AsObject();
        if (workflow.Any(p => !Writable.Contains(p.Key)) || (workflow["settings"] is JsonObject settings && settings.Any(p => !Settings.Contains(p.Key))))
        {
            return Answer(400, """{"message":"request/body must NOT have additional properties"}""");
        }

        return workflow["name"] is null || workflow["nodes"] is null || workflow["connections"] is null || workflow["settings"] is null
            ? Answer(400, """{"message":"request/body must have required property 'settings'"}""")
            : null;
    }

    private static void Stamp(JsonObject workflow)
    {
        var now = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
        workflow["createdAt"] ??= now;
        workflow["updatedAt"] = now;
        workflow["versionId"] = Guid.NewGuid().ToString();
    }

    private static ResponseMessage Answer(int status, string json) => new()
    {
        StatusCode = status,
        Headers = new Dictionary<string, WireMockList<string>> { ["Content-Type"] = new("application/json; charset=utf-8") },
        BodyData = new BodyData { BodyAsString = json, DetectedBodyType = BodyType.String, Encoding = System.Text.Encoding.UTF8 },
    };
}

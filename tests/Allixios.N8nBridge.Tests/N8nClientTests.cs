using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Allixios.N8nBridge.Tests;

/// <summary>
/// The n8n client against WireMock answering in n8n's public API wire format (as n8n 2.8 sends it: <c>data</c> and
/// <c>nextCursor</c>, ISO timestamps, nodes and connections as JSON), including its real failures.
/// </summary>
public sealed class N8nClientTests : IDisposable
{
    private const string ApiKey = "n8n_api_test_key";
    private readonly WireMockServer _n8n = WireMockServer.Start();

    public void Dispose() => _n8n.Stop();

    [Fact]
    public async Task Lists_every_workflow_across_cursor_pages_and_sends_the_api_key()
    {
        _n8n.Given(Request.Create().WithPath("/api/v1/workflows").WithHeader("X-N8N-API-KEY", ApiKey).WithParam("cursor", "page-2").UsingGet())
            .RespondWith(Json("""{"data":[{"id":"wf3","name":"Publish","active":false,"createdAt":"2026-01-02T10:00:00.000Z","updatedAt":"2026-01-03T10:00:00.000Z","nodes":[],"connections":{},"tags":[]}],"nextCursor":null}"""));
        _n8n.Given(Request.Create().WithPath("/api/v1/workflows").WithHeader("X-N8N-API-KEY", ApiKey).WithParam("limit", "250").UsingGet())
            .AtPriority(10)
            .RespondWith(Json("""{"data":[{"id":"wf1","name":"Brief to draft","active":true,"createdAt":"2026-01-01T10:00:00.000Z","updatedAt":"2026-01-01T11:00:00.000Z","versionId":"v-1","nodes":[{"name":"Start","type":"n8n-nodes-base.manualTrigger"}],"connections":{},"tags":[{"id":"t1","name":"content"}]},{"id":"wf2","name":"SEO","active":false,"nodes":[],"connections":{},"tags":[]}],"nextCursor":"page-2"}"""));

        var client = CreateClient();
        var workflows = new List<N8nWorkflow>();
        await foreach (var workflow in client.ListAllWorkflowsAsync())
        {
            workflows.Add(workflow);
        }

        Assert.Equal(["wf1", "wf2", "wf3"], workflows.Select(w => w.Id));
        Assert.True(workflows[0].Active);
        Assert.Equal("content", Assert.Single(workflows[0].Tags).Name);
        Assert.Equal("n8n-nodes-base.manualTrigger", workflows[0].Nodes[0].GetProperty("type").GetString());
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 11, 0, 0, TimeSpan.Zero), workflows[0].UpdatedAt);
    }

    [Fact]
    public async Task A_refused_api_key_is_an_error_that_says_to_check_the_key()
    {
        _n8n.Given(Request.Create().WithPath("/api/v1/workflows/wf1").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(401).WithHeader("Content-Type", "application/json").WithBody("""{"message":"'X-N8N-API-KEY' header required"}"""));

        var error = await Assert.ThrowsAsync<N8nApiException>(() => CreateClient().GetWorkflowAsync("wf1"));

        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
        Assert.Contains("API key", error.Message, StringComparison.Ordinal);
        Assert.Contains("'X-N8N-API-KEY' header required", error.Message, StringComparison.Ordinal);
        Assert.Equal("'X-N8N-API-KEY' header required", error.N8nMessage);
    }

    [Fact]
    public async Task A_missing_workflow_is_a_not_found_error_naming_it()
    {
        _n8n.Given(Request.Create().WithPath("/api/v1/workflows/nope").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(404).WithHeader("Content-Type", "application/json").WithBody("""{"message":"Not Found"}"""));

        var error = await Assert.ThrowsAsync<N8nApiException>(() => CreateClient().GetWorkflowAsync("nope"));

        Assert.Equal(HttpStatusCode.NotFound, error.StatusCode);
        Assert.Contains("'nope'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_passing_server_error_is_retried_until_n8n_answers()
    {
        _n8n.Given(Request.Create().WithPath("/api/v1/workflows/wf1/activate").UsingPost())
            .InScenario("flaky").WillSetStateTo("recovered")
            .RespondWith(Response.Create().WithStatusCode(503).WithBody("Service Unavailable"));
        _n8n.Given(Request.Create().WithPath("/api/v1/workflows/wf1/activate").UsingPost())
            .InScenario("flaky").WhenStateIs("recovered")
            .RespondWith(Json("""{"id":"wf1","name":"Brief to draft","active":true,"nodes":[],"connections":{},"tags":[]}"""));

        var workflow = await CreateClient().ActivateWorkflowAsync("wf1");

        Assert.True(workflow.Active);
        Assert.Equal(2, _n8n.LogEntries.Count(e => e.RequestMessage.Path == "/api/v1/workflows/wf1/activate"));
    }

    [Fact]
    public async Task Executions_of_one_workflow_are_listed_with_their_durations()
    {
        _n8n.Given(Request.Create().WithPath("/api/v1/executions").WithParam("workflowId", "wf1").WithParam("status", "error").UsingGet())
            .RespondWith(Json("""{"data":[{"id":"1001","finished":true,"mode":"webhook","retryOf":null,"retrySuccessId":null,"startedAt":"2026-02-01T09:00:00.000Z","stoppedAt":"2026-02-01T09:00:02.500Z","workflowId":"wf1","waitTill":null,"status":"error"}],"nextCursor":null}"""));

        var executions = new List<N8nExecution>();
        await foreach (var execution in CreateClient().ListAllExecutionsAsync("wf1", "error"))
        {
            executions.Add(execution);
        }

        var only = Assert.Single(executions);
        Assert.Equal("error", only.Status);
        Assert.Equal(TimeSpan.FromMilliseconds(2500), only.Duration);
    }

    [Fact]
    public async Task A_page_of_workflows_sends_every_filter_as_n8n_names_it()
    {
        _n8n.Given(Request.Create().WithPath("/api/v1/workflows").WithParam("active", "true").WithParam("tags", "content,seo").WithParam("name", "Brief to article").WithParam("projectId", "p1").WithParam("limit", "50").WithParam("cursor", "abc").UsingGet())
            .RespondWith(Json($$"""{"data":[{{N8nPayloads.Workflow}}],"nextCursor":"def"}"""));

        var page = await CreateClient().ListWorkflowsAsync(new N8nWorkflowQuery { Active = true, Tags = ["content", "seo"], Name = "Brief to article", ProjectId = "p1" }, limit: 50, cursor: "abc");

        Assert.Equal("def", page.NextCursor);
        Assert.Equal("2tUt1wbLX592XDdX", Assert.Single(page.Data).Id);
    }

    [Fact]
    public async Task A_workflow_is_read_whole_with_settings_static_data_and_what_the_client_does_not_name()
    {
        _n8n.Given(Request.Create().WithPath("/api/v1/workflows/2tUt1wbLX592XDdX").UsingGet()).RespondWith(Json(N8nPayloads.Workflow));

        var workflow = await CreateClient().GetWorkflowAsync("2tUt1wbLX592XDdX");

        Assert.Equal(3, workflow.Nodes.GetArrayLength());
        Assert.Equal("v1", workflow.Settings!.Value.GetProperty("executionOrder").GetString());
        Assert.Null(workflow.StaticData);
        Assert.Equal("7c1a4c55-2b8f-4a9e-9f0e-4f5a1e2c3d4b", workflow.VersionId);
        Assert.True(workflow.AdditionalProperties!.ContainsKey("pinData"));
        Assert.True(workflow.AdditionalProperties.ContainsKey("shared"));
        var again = JsonDocument.Parse(JsonSerializer.Serialize(workflow)).RootElement;
        Assert.True(again.GetProperty("meta").GetProperty("templateCredsSetupCompleted").GetBoolean());
    }

    [Fact]
    public async Task Creating_a_workflow_sends_only_the_writable_fields_and_settings_n8n_accepts()
    {
        _n8n.Given(Request.Create().WithPath("/api/v1/workflows").UsingPost()).RespondWith(Json(N8nPayloads.Workflow));
        var definition = N8nWorkflowDefinition.Parse(N8nPayloads.Workflow);

        var created = await CreateClient().CreateWorkflowAsync(definition);

        Assert.Equal("2tUt1wbLX592XDdX", created.Id);
        var sent = JsonDocument.Parse(_n8n.LogEntries.Single().RequestMessage.Body!).RootElement;
        Assert.Equal(["name", "nodes", "connections", "settings", "staticData"], sent.EnumerateObject().Select(p => p.Name));
        Assert.Equal(["executionOrder", "saveManualExecutions", "callerPolicy"], sent.GetProperty("settings").EnumerateObject().Select(p => p.Name));
        Assert.Equal("Generate article", sent.GetProperty("nodes")[1].GetProperty("name").GetString());
    }

    [Fact]
    public async Task N8n_refusing_an_additional_property_is_a_bad_request_error_with_its_message()
    {
        _n8n.Given(Request.Create().WithPath("/api/v1/workflows/wf1").UsingPut())
            .RespondWith(Response.Create().WithStatusCode(400).WithHeader("Content-Type", "application/json").WithBody("""{"message":"request/body must NOT have additional properties"}"""));

        var error = await Assert.ThrowsAsync<N8nApiException>(() => CreateClient().UpdateWorkflowAsync("wf1", N8nWorkflowDefinition.Parse(N8nPayloads.Workflow)));

        Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);
        Assert.Equal("request/body must NOT have additional properties", error.N8nMessage);
        Assert.Contains("Updating workflow 'wf1'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_update_is_retried_after_a_503_because_a_put_is_safe_to_repeat()
    {
        _n8n.Given(Request.Create().WithPath("/api/v1/workflows/2tUt1wbLX592XDdX").UsingPut())
            .InScenario("put").WillSetStateTo("up")
            .RespondWith(Response.Create().WithStatusCode(503).WithBody("Service Unavailable"));
        _n8n.Given(Request.Create().WithPath("/api/v1/workflows/2tUt1wbLX592XDdX").UsingPut())
            .InScenario("put").WhenStateIs("up")
            .RespondWith(Json(N8nPayloads.Workflow));

        var updated = await CreateClient().UpdateWorkflowAsync("2tUt1wbLX592XDdX", N8nWorkflowDefinition.Parse(N8nPayloads.Workflow));

        Assert.Equal("Brief to article", updated.Name);
        Assert.Equal(2, _n8n.LogEntries.Count);
    }

    [Fact]
    public async Task A_create_is_not_retried_after_a_503_because_it_could_create_the_workflow_twice()
    {
        _n8n.Given(Request.Create().WithPath("/api/v1/workflows").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(503).WithBody("Service Unavailable"));

        var error = await Assert.ThrowsAsync<N8nApiException>(() => CreateClient().CreateWorkflowAsync(N8nWorkflowDefinition.Parse(N8nPayloads.Workflow)));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, error.StatusCode);
        Assert.Single(_n8n.LogEntries);
    }

    [Fact]
    public async Task A_rate_limited_read_is_retried_after_the_delay_n8n_asks_for()
    {
        _n8n.Given(Request.Create().WithPath("/api/v1/executions/1042").UsingGet())
            .InScenario("429").WillSetStateTo("ok")
            .RespondWith(Response.Create().WithStatusCode(429).WithHeader("Retry-After", "1").WithBody("""{"message":"Too many requests"}"""));
        _n8n.Given(Request.Create().WithPath("/api/v1/executions/1042").UsingGet())
            .InScenario("429").WhenStateIs("ok")
            .RespondWith(Json(N8nPayloads.SucceededExecution));

        var execution = await CreateClient().GetExecutionAsync("1042", includeData: true);

        Assert.Equal("1042", execution.Id);
        Assert.Equal(2, _n8n.LogEntries.Count);
        Assert.All(_n8n.LogEntries, e => Assert.Equal("true", e.RequestMessage.Query!["includeData"].Single()));
    }

    [Fact]
    public async Task An_invalid_definition_is_refused_before_anything_is_sent_to_n8n()
    {
        var definition = N8nWorkflowDefinition.Parse(N8nPayloads.Workflow) with { Nodes = JsonDocument.Parse("""{"name":"not an array"}""").RootElement };

        var error = await Assert.ThrowsAsync<AllixiosException>(() => CreateClient().CreateWorkflowAsync(definition));

        Assert.Equal("n8n_workflow_invalid", error.Reason);
        Assert.Contains("nodes must be a JSON array", error.Message, StringComparison.Ordinal);
        Assert.Empty(_n8n.LogEntries);
    }

    [Fact]
    public async Task Deactivating_deleting_and_tagging_use_n8ns_routes_and_bodies()
    {
        _n8n.Given(Request.Create().WithPath("/api/v1/workflows/wf1/deactivate").UsingPost())
            .RespondWith(Json("""{"id":"wf1","name":"W","active":false,"nodes":[],"connections":{},"settings":{},"tags":[]}"""));
        _n8n.Given(Request.Create().WithPath("/api/v1/workflows/wf1/tags").UsingPut())
            .RespondWith(Json("""[{"id":"t1","name":"content","createdAt":"2026-01-01T00:00:00.000Z","updatedAt":"2026-01-01T00:00:00.000Z"},{"id":"t2","name":"seo"}]"""));
        _n8n.Given(Request.Create().WithPath("/api/v1/workflows/wf1/tags").UsingGet())
            .RespondWith(Json("""[{"id":"t1","name":"content"}]"""));
        _n8n.Given(Request.Create().WithPath("/api/v1/workflows/wf1").UsingDelete())
            .RespondWith(Json("""{"id":"wf1","name":"W","active":false,"nodes":[],"connections":{},"settings":{},"tags":[]}"""));
        _n8n.Given(Request.Create().WithPath("/api/v1/executions/1043").UsingDelete())
            .RespondWith(Json(N8nPayloads.FailedExecution));
        var client = CreateClient();

        Assert.False((await client.DeactivateWorkflowAsync("wf1")).Active);
        Assert.Equal(["content", "seo"], (await client.UpdateWorkflowTagsAsync("wf1", ["t1", "t2"])).Select(t => t.Name));
        Assert.Equal("content", Assert.Single(await client.GetWorkflowTagsAsync("wf1")).Name);
        Assert.Equal("wf1", (await client.DeleteWorkflowAsync("wf1")).Id);
        Assert.Equal("error", (await client.DeleteExecutionAsync("1043")).Status);
        var tagBody = _n8n.LogEntries.Single(e => e.RequestMessage.Method == "PUT").RequestMessage.Body;
        Assert.Equal("""[{"id":"t1"},{"id":"t2"}]""", tagBody);
    }

    [Fact]
    public async Task Executions_are_listed_with_their_run_data_when_asked()
    {
        _n8n.Given(Request.Create().WithPath("/api/v1/executions").WithParam("workflowId", "2tUt1wbLX592XDdX").WithParam("includeData", "true").UsingGet())
            .RespondWith(Json($$"""{"data":[{{N8nPayloads.FailedExecution}},{{N8nPayloads.SucceededExecution}}],"nextCursor":null}"""));

        var executions = new List<N8nExecution>();
        await foreach (var execution in CreateClient().ListAllExecutionsAsync(new N8nExecutionQuery { WorkflowId = "2tUt1wbLX592XDdX", IncludeData = true }))
        {
            executions.Add(execution);
        }

        Assert.Equal(["1043", "1042"], executions.Select(e => e.Id));
        var runData = executions[1].Data!.Value.GetProperty("resultData").GetProperty("runData");
        Assert.Equal(2900, runData.GetProperty("Generate article")[0].GetProperty("executionTime").GetInt32());
        Assert.Equal(TimeSpan.FromMilliseconds(3200), executions[1].Duration);
    }

    [Fact]
    public void Missing_options_fail_with_a_message_that_says_what_to_set()
    {
        var services = new ServiceCollection();
        services.AddN8nClient(o => o.ApiKey = ApiKey);
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<N8nClientOptions>>().Value);

        Assert.Contains("BaseAddress is required", error.Message, StringComparison.Ordinal);
    }

    private IN8nClient CreateClient()
    {
        var services = new ServiceCollection();
        services.AddN8nClient(o =>
        {
            o.BaseAddress = new Uri(_n8n.Url!);
            o.ApiKey = ApiKey;
            o.AttemptTimeout = TimeSpan.FromSeconds(5);
        });
        return services.BuildServiceProvider().GetRequiredService<IN8nClient>();
    }

    private static IResponseBuilder Json(string body)
        => Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json; charset=utf-8").WithBody(body);
}

using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Allixios.N8nBridge.Tests;

/// <summary>
/// The n8n client against WireMock answering in n8n's public API wire format (as n8n 1.x sends it: <c>data</c> and
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
            .RespondWith(Response.Create().WithStatusCode(401).WithHeader("Content-Type", "application/json").WithBody("""{"message":"unauthorized"}"""));

        var error = await Assert.ThrowsAsync<N8nApiException>(() => CreateClient().GetWorkflowAsync("wf1"));

        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
        Assert.Contains("API key", error.Message, StringComparison.Ordinal);
        Assert.Contains("unauthorized", error.Message, StringComparison.Ordinal);
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

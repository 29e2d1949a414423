using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Allixios.IntegrationTests.Runtime;
using Xunit;

namespace Allixios.IntegrationTests.N8nBridge;

/// <summary>A runtime configured with an n8n (WireMock playing n8n 2.8's public API), and one API key per test.</summary>
public sealed class N8nRuntimeFixture : IAsyncLifetime
{
    private RuntimeProcess? _runtime;

    public FakeN8n N8n { get; } = new();

    public RuntimeProcess Runtime => _runtime ?? throw new InvalidOperationException("The runtime has not started.");

    public async Task InitializeAsync() => _runtime = await RuntimeProcess.StartAsync(new Dictionary<string, string?>
    {
        ["N8n__BaseAddress"] = N8n.Url,
        ["N8n__ApiKey"] = FakeN8n.ApiKey,
        ["N8n__Analysis__LongWait"] = "00:00:05",
    });

    public async Task DisposeAsync()
    {
        if (_runtime is not null)
        {
            await _runtime.DisposeAsync();
        }

        N8n.Dispose();
    }
}

/// <summary>The n8n workflows API of a real runtime process against a fake n8n: versioned changes, diffs, rollback, sync, analysis, bad input.</summary>
public sealed class N8nApiTests(N8nRuntimeFixture fixture) : IClassFixture<N8nRuntimeFixture>
{
    private const string Nodes = """
        [
          {"parameters": {"httpMethod": "POST", "path": "brief"}, "id": "n1", "name": "Webhook", "type": "n8n-nodes-base.webhook", "typeVersion": 2, "position": [0, 0]},
          {"parameters": {"method": "POST", "url": "http://127.0.0.1:5080/v1/jobs", "options": {"timeout": 10000}}, "id": "n2", "name": "Generate article", "type": "n8n-nodes-base.httpRequest", "typeVersion": 4.2, "position": [220, 0]}
        ]
        """;

    private const string Connections = """{"Webhook": {"main": [[{"node": "Generate article", "type": "main", "index": 0}]]}}""";

    private RuntimeProcess Runtime => fixture.Runtime;

    [Fact]
    public async Task Changes_through_the_runtime_are_versions_that_diff_and_roll_back()
    {
        var key = await CreateTenantWithKeyAsync("n8n:write");

        var created = await Runtime.SendOkAsync(HttpMethod.Post, "/v1/n8n/workflows", Workflow("Brief to article", Nodes, """{"executionOrder": "v1", "binaryMode": "separate"}""", note: "first cut"), key);
        var id = created.GetProperty("workflowId").GetString()!;
        var updated = await Runtime.SendOkAsync(HttpMethod.Put, $"/v1/n8n/workflows/{id}", Workflow("Brief to article", Nodes.Replace("10000", "30000", StringComparison.Ordinal), """{"executionOrder": "v1", "timezone": "Europe/Paris"}"""), key);
        var activated = await Runtime.SendOkAsync(HttpMethod.Post, $"/v1/n8n/workflows/{id}:activate", "{}", key);
        var diff = await Runtime.SendOkAsync(HttpMethod.Get, $"/v1/n8n/workflows/{id}/versions:diff?fromVersion=1&toVersion=2", key: key);
        var rolledBack = await Runtime.SendOkAsync(HttpMethod.Post, $"/v1/n8n/workflows/{id}:rollback", """{"version": 1}""", key);
        var list = await Runtime.SendOkAsync(HttpMethod.Get, $"/v1/n8n/workflows/{id}/versions?pageSize=2", key: key);
        var inN8n = await Runtime.SendOkAsync(HttpMethod.Get, $"/v1/n8n/workflows/{id}", key: key);

        Assert.Equal((1, "created", "bridge", "first cut"), (created.GetProperty("version").GetInt32(), created.GetProperty("change").GetString(), created.GetProperty("source").GetString(), created.GetProperty("note").GetString()));
        Assert.StartsWith("n8n test (", created.GetProperty("author").GetString(), StringComparison.Ordinal);
        Assert.Equal((2, "updated"), (updated.GetProperty("version").GetInt32(), updated.GetProperty("change").GetString()));
        Assert.Equal((3, true), (activated.GetProperty("version").GetInt32(), activated.GetProperty("active").GetBoolean()));
        var changed = Assert.Single(diff.GetProperty("nodesChanged").EnumerateArray());
        Assert.Equal("Generate article", changed.GetProperty("name").GetString());
        Assert.Equal(["parameters.options.timeout"], changed.GetProperty("changedPaths").EnumerateArray().Select(p => p.GetString()));
        Assert.Equal(["timezone"], diff.GetProperty("settingsChanged").EnumerateArray().Select(s => s.GetProperty("key").GetString()));
        Assert.Equal((4, "rolled_back"), (rolledBack.GetProperty("version").GetInt32(), rolledBack.GetProperty("change").GetString()));
        Assert.Equal(10000, inN8n.GetProperty("nodes")[1].GetProperty("parameters").GetProperty("options").GetProperty("timeout").GetInt32());
        Assert.True(inN8n.GetProperty("active").GetBoolean());
        Assert.Equal([4, 3], list.GetProperty("versions").EnumerateArray().Select(v => v.GetProperty("version").GetInt32()));
        Assert.False(list.GetProperty("versions")[0].TryGetProperty("definition", out _));
        var next = await Runtime.SendOkAsync(HttpMethod.Get, $"/v1/n8n/workflows/{id}/versions?pageSize=2&pageToken={list.GetProperty("nextPageToken").GetString()}", key: key);
        Assert.Equal([2, 1], next.GetProperty("versions").EnumerateArray().Select(v => v.GetProperty("version").GetInt32()));
    }

    [Fact]
    public async Task A_sync_records_a_version_only_when_the_workflow_changed_in_n8n()
    {
        var key = await CreateTenantWithKeyAsync("n8n:write");
        var created = await Runtime.SendOkAsync(HttpMethod.Post, "/v1/n8n/workflows", Workflow("Nightly reindex", Nodes, "{}"), key);
        var id = created.GetProperty("workflowId").GetString()!;

        var same = await Runtime.SendOkAsync(HttpMethod.Post, $"/v1/n8n/workflows/{id}:sync", "{}", key);
        // Someone edits it in n8n's editor.
        using (var edit = new HttpClient())
        {
            edit.DefaultRequestHeaders.Add("X-N8N-API-KEY", FakeN8n.ApiKey);
            using var put = await edit.PutAsync(new Uri($"{fixture.N8n.Url}/api/v1/workflows/{id}"), new StringContent(Workflow("Nightly reindex (edited)", Nodes, "{}", note: null), System.Text.Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }

        var changed = await Runtime.SendOkAsync(HttpMethod.Post, $"/v1/n8n/workflows/{id}:sync", "{}", key);

        Assert.False(same.GetProperty("changed").GetBoolean());
        Assert.Equal(1, same.GetProperty("version").GetProperty("version").GetInt32());
        Assert.True(changed.GetProperty("changed").GetBoolean());
        Assert.Equal((2, "sync"), (changed.GetProperty("version").GetProperty("version").GetInt32(), changed.GetProperty("version").GetProperty("source").GetString()));
    }

    [Theory]
    [InlineData("""{"name": "x", "nodes": [1], "connections": {}}""", "nodes[0] must be a JSON object")]
    [InlineData("""{"name": "x", "nodes": [{"name": "A"}], "connections": {}}""", "needs a type")]
    [InlineData("""{"name": "x", "nodes": [{"name": "A", "type": "t"}, {"name": "A", "type": "t"}], "connections": {}}""", "two nodes are named 'A'")]
    [InlineData("""{"name": "x", "nodes": [{"name": "A", "type": "t"}], "connections": {"A": {"main": [[{"node": "B", "type": "main", "index": 0}]]}}}""", "leads to node 'B'")]
    [InlineData("""{"name": "x", "nodes": [{"name": "A", "type": "t"}]}""", "connections must be a JSON object")]
    [InlineData("""{"name": "", "nodes": [], "connections": {}}""", "needs a name")]
    public async Task A_bad_workflow_is_400_saying_what_to_fix_and_never_reaches_n8n(string body, string detail)
    {
        var key = await CreateTenantWithKeyAsync("n8n:write");
        var before = fixture.N8n.Server.LogEntries.Count(e => e.RequestMessage.Method == "POST");

        using var response = await Runtime.SendAsync(HttpMethod.Post, "/v1/n8n/workflows", body, key);

        var problem = await Problem.ReadAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal("n8n_workflow_invalid", problem.Reason);
        Assert.Contains(detail, problem.Detail, StringComparison.Ordinal);
        Assert.Equal(before, fixture.N8n.Server.LogEntries.Count(e => e.RequestMessage.Method == "POST"));
    }

    [Fact]
    public async Task Unknown_workflows_and_versions_are_404_and_malformed_versions_400()
    {
        var key = await CreateTenantWithKeyAsync("n8n:write");
        var created = await Runtime.SendOkAsync(HttpMethod.Post, "/v1/n8n/workflows", Workflow("Budget alert", Nodes, "{}"), key);
        var id = created.GetProperty("workflowId").GetString()!;

        using var unknownWorkflow = await Runtime.SendAsync(HttpMethod.Get, "/v1/n8n/workflows/nope", key: key);
        using var unknownActivate = await Runtime.SendAsync(HttpMethod.Post, "/v1/n8n/workflows/nope:activate", "{}", key);
        using var unknownVersion = await Runtime.SendAsync(HttpMethod.Get, $"/v1/n8n/workflows/{id}/versions/9", key: key);
        using var unknownRollback = await Runtime.SendAsync(HttpMethod.Post, $"/v1/n8n/workflows/{id}:rollback", """{"version": 9}""", key);
        using var zeroVersion = await Runtime.SendAsync(HttpMethod.Get, $"/v1/n8n/workflows/{id}/versions:diff?fromVersion=0&toVersion=1", key: key);
        using var textVersion = await Runtime.SendAsync(HttpMethod.Get, $"/v1/n8n/workflows/{id}/versions/latest", key: key);
        using var badPage = await Runtime.SendAsync(HttpMethod.Get, $"/v1/n8n/workflows/{id}/versions?pageToken=zzz", key: key);

        Assert.Equal("n8n_not_found", (await Problem.ReadAsync(unknownWorkflow, HttpStatusCode.NotFound)).Reason);
        Assert.Equal("n8n_not_found", (await Problem.ReadAsync(unknownActivate, HttpStatusCode.NotFound)).Reason);
        Assert.Equal("n8n_workflow_version_not_found", (await Problem.ReadAsync(unknownVersion, HttpStatusCode.NotFound)).Reason);
        Assert.Equal("n8n_workflow_version_not_found", (await Problem.ReadAsync(unknownRollback, HttpStatusCode.NotFound)).Reason);
        Assert.Equal("n8n_workflow_version_invalid", (await Problem.ReadAsync(zeroVersion, HttpStatusCode.BadRequest)).Reason);
        Assert.Equal(HttpStatusCode.BadRequest, textVersion.StatusCode);
        Assert.Equal("page_token_invalid", (await Problem.ReadAsync(badPage, HttpStatusCode.BadRequest)).Reason);
    }

    [Fact]
    public async Task Versions_belong_to_the_tenant_that_made_them()
    {
        var mine = await CreateTenantWithKeyAsync("n8n:write");
        var theirs = await CreateTenantWithKeyAsync("n8n:write");
        var created = await Runtime.SendOkAsync(HttpMethod.Post, "/v1/n8n/workflows", Workflow("Mine", Nodes, "{}"), mine);
        var id = created.GetProperty("workflowId").GetString()!;

        using var other = await Runtime.SendAsync(HttpMethod.Get, $"/v1/n8n/workflows/{id}/versions/1", key: theirs);

        Assert.Equal("n8n_workflow_version_not_found", (await Problem.ReadAsync(other, HttpStatusCode.NotFound)).Reason);
    }

    [Fact]
    public async Task Reading_needs_n8n_read_and_changing_needs_n8n_write()
    {
        var reader = await CreateTenantWithKeyAsync("n8n:read");
        var none = await CreateTenantWithKeyAsync("jobs:read");

        using var create = await Runtime.SendAsync(HttpMethod.Post, "/v1/n8n/workflows", Workflow("Nope", Nodes, "{}"), reader);
        using var list = await Runtime.SendAsync(HttpMethod.Get, "/v1/n8n/workflows", key: none);
        var allowed = await Runtime.SendOkAsync(HttpMethod.Get, "/v1/n8n/workflows?pageSize=5", key: reader);

        Assert.Equal(HttpStatusCode.Forbidden, create.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, list.StatusCode);
        Assert.True(allowed.TryGetProperty("workflows", out _));
    }

    [Fact]
    public async Task The_executions_of_a_workflow_are_analysed_into_statistics_and_recommendations()
    {
        var key = await CreateTenantWithKeyAsync("n8n:write");
        var created = await Runtime.SendOkAsync(HttpMethod.Post, "/v1/n8n/workflows", Workflow("Analysed", Nodes, "{}"), key);
        var id = created.GetProperty("workflowId").GetString()!;
        var t0 = new DateTimeOffset(2026, 2, 1, 9, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        for (var i = 0; i < 4; i++)
        {
            var start = t0 + (i * 60_000);
            var failed = i == 0;
            var generate = new JsonObject { ["startTime"] = start + 5, ["executionTime"] = 2800, ["executionStatus"] = failed ? "error" : "success", ["source"] = new JsonArray(new JsonObject { ["previousNode"] = "Webhook" }) };
            if (failed)
            {
                generate["error"] = new JsonObject { ["message"] = "503 Service Unavailable" };
            }

            var execution = new JsonObject
            {
                ["id"] = (7000 + i).ToString(CultureInfo.InvariantCulture),
                ["finished"] = true,
                ["mode"] = "webhook",
                ["status"] = failed ? "error" : "success",
                ["startedAt"] = $"2026-02-01T09:0{i}:00.000Z",
                ["stoppedAt"] = $"2026-02-01T09:0{i}:03.000Z",
                ["workflowId"] = id,
                ["data"] = new JsonObject
                {
                    ["resultData"] = new JsonObject
                    {
                        ["runData"] = new JsonObject
                        {
                            ["Webhook"] = new JsonArray(new JsonObject { ["startTime"] = start, ["executionTime"] = 2, ["executionStatus"] = "success", ["source"] = new JsonArray() }),
                            ["Generate article"] = new JsonArray(generate),
                        },
                    },
                },
            };
            fixture.N8n.Executions.Add(execution.ToJsonString());
        }

        var analysis = await Runtime.SendOkAsync(HttpMethod.Get, $"/v1/n8n/workflows/{id}/executions:analyze?lastExecutions=10", key: key);
        using var unknown = await Runtime.SendAsync(HttpMethod.Get, "/v1/n8n/workflows/nope/executions:analyze", key: key);
        using var tooMany = await Runtime.SendAsync(HttpMethod.Get, $"/v1/n8n/workflows/{id}/executions:analyze?lastExecutions=5000", key: key);

        Assert.Equal(4, analysis.GetProperty("executions").GetInt32());
        Assert.Equal(1, analysis.GetProperty("failedExecutions").GetInt32());
        var slowest = analysis.GetProperty("nodes")[0];
        Assert.Equal(("Generate article", 4, 2800.0, 0.25), (slowest.GetProperty("node").GetString(), slowest.GetProperty("runs").GetInt32(), slowest.GetProperty("p95Milliseconds").GetDouble(), slowest.GetProperty("failureRate").GetDouble()));
        var kinds = analysis.GetProperty("recommendations").EnumerateArray().Select(r => r.GetProperty("kind").GetString()).ToList();
        Assert.Contains("dominant_node", kinds);
        Assert.Contains("frequent_failures", kinds);
        Assert.Equal("n8n_not_found", (await Problem.ReadAsync(unknown, HttpStatusCode.NotFound)).Reason);
        Assert.Equal("page_size_invalid", (await Problem.ReadAsync(tooMany, HttpStatusCode.BadRequest)).Reason);
    }

    private static string Workflow(string name, string nodes, string settings, string? note = "") => note is null
        ? $$"""{"name": {{JsonSerializer.Serialize(name)}}, "nodes": {{nodes}}, "connections": {{Connections}}, "settings": {{settings}}}"""
        : $$"""{"name": {{JsonSerializer.Serialize(name)}}, "nodes": {{nodes}}, "connections": {{Connections}}, "settings": {{settings}}, "note": {{JsonSerializer.Serialize(note)}}}""";

    private async Task<string> CreateTenantWithKeyAsync(params string[] scopes)
    {
        var tenant = "n8n-" + Guid.NewGuid().ToString("N")[..12];
        await Runtime.SendOkAsync(HttpMethod.Post, "/v1/tenants", $$"""{"tenantId":"{{tenant}}","displayName":"n8n {{tenant}}"}""");
        var issued = await Runtime.SendOkAsync(HttpMethod.Post, $"/v1/tenants/{tenant}/api-keys", JsonSerializer.Serialize(new { name = "n8n test", scopes }));
        return issued.GetProperty("secret").GetString()!;
    }
}

/// <summary>A runtime without n8n settings answers every n8n call with 412 naming the settings to add.</summary>
public sealed class N8nNotConfiguredTests(EmbeddedRuntimeFixture fixture) : IClassFixture<EmbeddedRuntimeFixture>
{
    [Fact]
    public async Task Every_n8n_call_is_412_problem_json_naming_the_settings_to_configure()
    {
        using var list = await fixture.Runtime.SendAsync(HttpMethod.Get, "/v1/n8n/workflows");
        using var sync = await fixture.Runtime.SendAsync(HttpMethod.Post, "/v1/n8n/workflows/wf1:sync", "{}");

        var problem = await Problem.ReadAsync(list, HttpStatusCode.PreconditionFailed);
        Assert.Equal("n8n_not_configured", problem.Reason);
        Assert.Contains("N8n:BaseAddress", problem.Detail, StringComparison.Ordinal);
        Assert.Contains("N8n:ApiKey", problem.Detail, StringComparison.Ordinal);
        Assert.Equal("n8n_not_configured", (await Problem.ReadAsync(sync, HttpStatusCode.PreconditionFailed)).Reason);
    }
}

/// <summary>
/// The README's first command (`dotnet run --project src/Allixios.Runtime`) runs the runtime in the Development
/// environment, where the container validates every registration at start.
/// </summary>
public sealed class DevelopmentEnvironmentTests
{
    [Fact]
    public async Task The_runtime_starts_in_development_without_n8n_settings_and_answers_412_for_n8n()
    {
        await using var runtime = await RuntimeProcess.StartAsync(new Dictionary<string, string?> { ["ASPNETCORE_ENVIRONMENT"] = "Development" });

        using var ready = await runtime.Http.GetAsync("/health/ready");
        using var list = await runtime.SendAsync(HttpMethod.Get, "/v1/n8n/workflows");

        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("n8n_not_configured", (await Problem.ReadAsync(list, HttpStatusCode.PreconditionFailed)).Reason);
    }
}

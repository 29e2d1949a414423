using System.Text.Json;
using Allixios.N8nBridge.Versioning;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Allixios.N8nBridge.Tests;

/// <summary>Version control through the bridge, against WireMock playing n8n: each change is a version, syncs, diffs, rollbacks.</summary>
public sealed class WorkflowVersionControlTests : IDisposable
{
    private const string Tenant = "acme";
    private const string Id = "2tUt1wbLX592XDdX";
    private readonly WireMockServer _n8n = WireMockServer.Start();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero));
    private readonly ServiceProvider _provider;

    public WorkflowVersionControlTests()
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(_time);
        services.AddN8nClient(o =>
        {
            o.BaseAddress = new Uri(_n8n.Url!);
            o.ApiKey = "key";
        });
        services.AddN8nWorkflowManagement();
        _provider = services.BuildServiceProvider();
    }

    private WorkflowVersionControl Versions => _provider.GetRequiredService<WorkflowVersionControl>();

    public void Dispose()
    {
        _provider.Dispose();
        _n8n.Stop();
    }

    [Fact]
    public async Task Create_update_and_activate_through_the_bridge_each_record_a_version()
    {
        AnswerWith("POST", "/api/v1/workflows", N8nPayloads.Workflow);
        AnswerWith("PUT", $"/api/v1/workflows/{Id}", WithTimeout(N8nPayloads.Workflow, 30000));
        AnswerWith("POST", $"/api/v1/workflows/{Id}/activate", Activated(WithTimeout(N8nPayloads.Workflow, 30000)));

        var created = await Versions.CreateAsync(Tenant, N8nWorkflowDefinition.Parse(N8nPayloads.Workflow), "ops", "first cut");
        _time.Advance(TimeSpan.FromMinutes(1));
        var updated = await Versions.UpdateAsync(Tenant, Id, N8nWorkflowDefinition.Parse(WithTimeout(N8nPayloads.Workflow, 30000)), "ops", "longer timeout");
        var activated = await Versions.ActivateAsync(Tenant, Id, "ops");

        Assert.Equal((1, WorkflowChange.Created, "first cut"), (created.Version, created.Change, created.Note));
        Assert.Equal((2, WorkflowChange.Updated), (updated.Version, updated.Change));
        Assert.Equal((3, WorkflowChange.Activated, true), (activated.Version, activated.Change, activated.Active));
        Assert.All([created, updated, activated], v => Assert.Equal(WorkflowVersionSource.Bridge, v.Source));
        Assert.Equal(_time.GetUtcNow(), updated.CreatedAt);
        Assert.NotEqual(created.Hash, updated.Hash);
        Assert.Equal(Id, JsonDocument.Parse(created.Definition).RootElement.GetProperty("id").GetString());
        Assert.True(JsonDocument.Parse(created.Definition).RootElement.TryGetProperty("pinData", out _));
    }

    [Fact]
    public async Task A_sync_records_nothing_while_n8n_is_unchanged_and_a_version_once_it_changes()
    {
        AnswerWith("GET", $"/api/v1/workflows/{Id}", N8nPayloads.Workflow);

        var first = await Versions.SyncAsync(Tenant, Id);
        // Timestamps, n8n's version id and static data change without anyone editing: not a change.
        AnswerWith("GET", $"/api/v1/workflows/{Id}", N8nPayloads.Workflow.Replace("2026-01-05T10:05:00.000Z", "2026-01-06T00:00:00.000Z", StringComparison.Ordinal).Replace("\"staticData\": null", "\"staticData\": {\"lastId\": 7}", StringComparison.Ordinal));
        var unchanged = await Versions.SyncAsync(Tenant, Id);
        AnswerWith("GET", $"/api/v1/workflows/{Id}", WithTimeout(N8nPayloads.Workflow, 60000));
        var changed = await Versions.SyncAsync(Tenant, Id);

        Assert.True(first.Changed);
        Assert.Equal(1, first.Version.Version);
        Assert.False(unchanged.Changed);
        Assert.Equal(1, unchanged.Version.Version);
        Assert.True(changed.Changed);
        Assert.Equal((2, WorkflowVersionSource.Sync, WorkflowChange.Synced, "sync"), (changed.Version.Version, changed.Version.Source, changed.Version.Change, changed.Version.Author));
        var diff = await Versions.DiffAsync(Tenant, Id, 1, 2);
        var node = Assert.Single(diff.NodesChanged);
        Assert.Equal("Generate article", node.Name);
        Assert.Equal(["parameters.options.timeout"], node.ChangedPaths);
    }

    [Fact]
    public void The_diff_names_added_removed_and_changed_nodes_connections_and_settings()
    {
        var before = JsonDocument.Parse(N8nPayloads.Workflow).RootElement;
        var after = JsonDocument.Parse(N8nPayloads.Workflow
            .Replace("\"url\": \"http://127.0.0.1:5080/v1/search/documents\"", "\"url\": \"http://127.0.0.1:5080/v1/search/documents:batch\"", StringComparison.Ordinal)
            .Replace("\"position\": [440, 0]}", "\"position\": [440, 0]}, {\"parameters\": {\"url\": \"https://chat.example/hook\"}, \"id\": \"a1b2c3d4-0004-4000-8000-000000000004\", \"name\": \"Notify\", \"type\": \"n8n-nodes-base.httpRequest\", \"typeVersion\": 4.2, \"position\": [660, 0]}", StringComparison.Ordinal)
            .Replace("\"Generate article\": {\"main\": [[{\"node\": \"Index for search\", \"type\": \"main\", \"index\": 0}]]}", "\"Generate article\": {\"main\": [[{\"node\": \"Index for search\", \"type\": \"main\", \"index\": 0}, {\"node\": \"Notify\", \"type\": \"main\", \"index\": 0}]]}", StringComparison.Ordinal)
            .Replace("\"executionOrder\": \"v1\", \"saveManualExecutions\": true", "\"executionOrder\": \"v1\", \"timezone\": \"Europe/Paris\"", StringComparison.Ordinal)
            .Replace("\"name\": \"Brief to article\"", "\"name\": \"Brief to article v2\"", StringComparison.Ordinal)).RootElement;

        var diff = WorkflowDiffer.Compare(before, after);

        Assert.Equal(["Notify"], diff.NodesAdded);
        Assert.Empty(diff.NodesRemoved);
        var changed = Assert.Single(diff.NodesChanged);
        Assert.Equal(("Index for search", "n8n-nodes-base.httpRequest"), (changed.Name, changed.Type));
        Assert.Equal(["parameters.url"], changed.ChangedPaths);
        Assert.Equal("Generate article[main:0] -> Notify[main:0]", Assert.Single(diff.ConnectionsAdded).ToString());
        Assert.Empty(diff.ConnectionsRemoved);
        Assert.Equal([("saveManualExecutions", "true", "null"), ("timezone", "null", "\"Europe/Paris\"")], diff.SettingsChanged.Select(s => (s.Key, s.Before, s.After)));
        Assert.Equal("\"Brief to article v2\"", diff.Name!.After);
        Assert.Null(diff.Active);
        Assert.False(diff.IsEmpty);
        Assert.True(WorkflowDiffer.Compare(before, before).IsEmpty);
    }

    [Fact]
    public void A_renamed_node_is_a_change_of_its_name_and_of_the_connections_that_name_it()
    {
        var before = JsonDocument.Parse(N8nPayloads.Workflow).RootElement;
        var after = JsonDocument.Parse(N8nPayloads.Workflow.Replace("Index for search", "Index", StringComparison.Ordinal)).RootElement;

        var diff = WorkflowDiffer.Compare(before, after);

        Assert.Empty(diff.NodesAdded);
        Assert.Empty(diff.NodesRemoved);
        Assert.Equal(["name"], Assert.Single(diff.NodesChanged).ChangedPaths);
        Assert.Equal("Generate article[main:0] -> Index[main:0]", Assert.Single(diff.ConnectionsAdded).ToString());
        Assert.Equal("Generate article[main:0] -> Index for search[main:0]", Assert.Single(diff.ConnectionsRemoved).ToString());
    }

    [Fact]
    public async Task A_rollback_puts_the_old_writable_fields_back_in_one_call_and_records_it()
    {
        AnswerWith("GET", $"/api/v1/workflows/{Id}", N8nPayloads.Workflow);
        await Versions.SyncAsync(Tenant, Id);
        AnswerWith("PUT", $"/api/v1/workflows/{Id}", WithTimeout(N8nPayloads.Workflow, 99000));
        await Versions.UpdateAsync(Tenant, Id, N8nWorkflowDefinition.Parse(WithTimeout(N8nPayloads.Workflow, 99000)), "ops");
        _n8n.ResetLogEntries();
        AnswerWith("PUT", $"/api/v1/workflows/{Id}", N8nPayloads.Workflow);

        var rolledBack = await Versions.RollbackAsync(Tenant, Id, 1, "ops");

        var put = Assert.Single(_n8n.LogEntries);
        Assert.Equal("PUT", put.RequestMessage.Method);
        var sent = JsonDocument.Parse(put.RequestMessage.Body!).RootElement;
        Assert.Equal(["name", "nodes", "connections", "settings"], sent.EnumerateObject().Select(p => p.Name));
        Assert.Equal(10000, sent.GetProperty("nodes")[1].GetProperty("parameters").GetProperty("options").GetProperty("timeout").GetInt32());
        Assert.False(sent.GetProperty("settings").TryGetProperty("binaryMode", out _));
        Assert.Equal((3, WorkflowChange.RolledBack, "rollback to version 1"), (rolledBack.Version, rolledBack.Change, rolledBack.Note));
        Assert.Equal((await Versions.GetVersionAsync(Tenant, Id, 1)).Hash, rolledBack.Hash);
    }

    [Fact]
    public async Task The_first_change_to_a_workflow_made_elsewhere_records_its_state_before_the_change()
    {
        AnswerWith("GET", $"/api/v1/workflows/{Id}", N8nPayloads.Workflow);
        AnswerWith("POST", $"/api/v1/workflows/{Id}/activate", Activated(N8nPayloads.Workflow));

        var activated = await Versions.ActivateAsync(Tenant, Id, "ops");

        Assert.Equal(2, activated.Version);
        var baseline = await Versions.GetVersionAsync(Tenant, Id, 1);
        Assert.Equal(WorkflowVersionSource.Sync, baseline.Source);
        Assert.False(baseline.Active);
        var diff = await Versions.DiffAsync(Tenant, Id, 1, 2);
        Assert.Equal(("false", "true"), (diff.Active!.Before, diff.Active.After));
    }

    [Fact]
    public async Task An_unknown_version_is_a_not_found_error_that_says_how_to_find_the_versions()
    {
        AnswerWith("GET", $"/api/v1/workflows/{Id}", N8nPayloads.Workflow);
        await Versions.SyncAsync(Tenant, Id);

        var error = await Assert.ThrowsAsync<AllixiosException>(() => Versions.RollbackAsync(Tenant, Id, 7, "ops"));

        Assert.Equal(AllixiosErrorKind.NotFound, error.Kind);
        Assert.Equal("n8n_workflow_version_not_found", error.Reason);
        Assert.Contains("no version 7", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_n8n.LogEntries, e => e.RequestMessage.Method == "PUT");
        await Assert.ThrowsAsync<AllixiosException>(() => Versions.DiffAsync(Tenant, Id, 1, 2));
    }

    private void AnswerWith(string method, string path, string body)
        => _n8n.Given(Request.Create().WithPath(path).UsingMethod(method))
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json; charset=utf-8").WithBody(body));

    private static string WithTimeout(string workflow, int timeout)
        => workflow.Replace("\"options\": {\"timeout\": 10000}", $"\"options\": {{\"timeout\": {timeout}}}", StringComparison.Ordinal);

    private static string Activated(string workflow) => workflow.Replace("\"active\": false", "\"active\": true", StringComparison.Ordinal);
}

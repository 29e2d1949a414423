using System.Net;
using System.Text.Json;
using Allixios.N8nBridge;
using Xunit;

namespace Allixios.IntegrationTests.N8n;

/// <summary>The bridge's client for n8n's public API against the rig's real n8n 2.8.4, every call it makes.</summary>
[Collection(N8nGroup.Name)]
public sealed class N8nBridgeClientTests(N8nFixture fixture)
{
    private static string EchoWorkflow(string name, string path, string greeting) => $$$"""
        {
          "name": "{{{name}}}",
          "nodes": [
            { "id": "9e4a0000-0000-4000-8000-000000000001", "name": "Hook", "type": "n8n-nodes-base.webhook", "typeVersion": 2, "position": [0, 0],
              "webhookId": "{{{Guid.NewGuid()}}}", "parameters": { "httpMethod": "POST", "path": "{{{path}}}", "responseMode": "lastNode", "options": {} } },
            { "id": "9e4a0000-0000-4000-8000-000000000002", "name": "Greet", "type": "n8n-nodes-base.set", "typeVersion": 3.4, "position": [240, 0],
              "parameters": { "mode": "manual", "assignments": { "assignments": [
                { "id": "g1", "name": "greeting", "value": "{{{greeting}}}", "type": "string" },
                { "id": "g2", "name": "name", "value": "={{ $json.body.name }}", "type": "string" } ] }, "options": {} } }
          ],
          "connections": { "Hook": { "main": [[{ "node": "Greet", "type": "main", "index": 0 }]] } },
          "settings": { "executionOrder": "v1", "saveDataSuccessExecution": "all", "binaryMode": "separate" },
          "staticData": null
        }
        """;

    [N8nFact]
    public async Task The_bridge_creates_updates_activates_runs_lists_reads_executions_deactivates_and_deletes_a_workflow_in_real_n8n()
    {
        var bridge = fixture.Bridge;
        var path = "e2e-bridge-" + Guid.NewGuid().ToString("N")[..8];
        var name = "e2e bridge " + path;

        var created = await bridge.CreateWorkflowAsync(N8nWorkflowDefinition.Parse(EchoWorkflow(name, path, "Hello")));
        fixture.DeleteAtEnd(created.Id);
        Assert.False(created.Active);
        Assert.Equal(name, created.Name);

        // An update sends only the writable fields (binaryMode in the settings is not one on 2.8.4 and is dropped).
        var renamed = name + " (v2)";
        var updated = await bridge.UpdateWorkflowAsync(created.Id, N8nWorkflowDefinition.Parse(EchoWorkflow(renamed, path, "Good morning")));
        Assert.Equal(renamed, updated.Name);
        var read = await bridge.GetWorkflowAsync(created.Id);
        Assert.Equal(renamed, read.Name);
        Assert.Contains("Good morning", read.Nodes.GetRawText(), StringComparison.Ordinal);
        Assert.NotEqual(created.VersionId, read.VersionId);

        var listed = new List<N8nWorkflow>();
        await foreach (var workflow in bridge.ListAllWorkflowsAsync(new N8nWorkflowQuery { Name = renamed }))
        {
            listed.Add(workflow);
        }

        Assert.Equal(created.Id, Assert.Single(listed).Id);

        Assert.True((await bridge.ActivateWorkflowAsync(created.Id)).Active);
        using (var response = await fixture.N8nWebhooks.PostAsync($"/webhook/{path}", N8nFixture.JsonContent(new { name = "Ada" })))
        {
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, body);
            var greeted = JsonDocument.Parse(body).RootElement;
            Assert.Equal(("Good morning", "Ada"), (greeted.GetProperty("greeting").GetString(), greeted.GetProperty("name").GetString()));
        }

        var execution = await fixture.WaitForExecutionAsync(created.Id, TimeSpan.FromSeconds(30));
        Assert.Equal(("webhook", "success", created.Id), (execution.Mode, execution.Status, execution.WorkflowId));
        Assert.Equal("Ada", Assert.Single(N8nFixture.Output(execution, "Greet")).GetProperty("name").GetString());
        var single = await bridge.GetExecutionAsync(execution.Id, includeData: true);
        Assert.Equal("Good morning", Assert.Single(N8nFixture.Output(single, "Greet")).GetProperty("greeting").GetString());
        var withoutData = await bridge.GetExecutionAsync(execution.Id);
        Assert.True(withoutData.Data is null || withoutData.Data.Value.ValueKind == JsonValueKind.Null);
        var successes = new List<N8nExecution>();
        await foreach (var e in bridge.ListAllExecutionsAsync(created.Id, "success"))
        {
            successes.Add(e);
        }

        Assert.Equal(execution.Id, Assert.Single(successes).Id);

        Assert.False((await bridge.DeactivateWorkflowAsync(created.Id)).Active);
        using (var after = await fixture.N8nWebhooks.PostAsync($"/webhook/{path}", N8nFixture.JsonContent(new { name = "Bob" })))
        {
            Assert.Equal(HttpStatusCode.NotFound, after.StatusCode);
        }

        await bridge.DeleteWorkflowAsync(created.Id);
        var gone = await Assert.ThrowsAsync<N8nApiException>(() => bridge.GetWorkflowAsync(created.Id));
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [N8nFact]
    public async Task Real_n8n_refusals_surface_as_errors_that_carry_n8ns_message()
    {
        var bridge = fixture.Bridge;

        var missing = await Assert.ThrowsAsync<N8nApiException>(() => bridge.UpdateWorkflowAsync("no-such-workflow", N8nWorkflowDefinition.Parse(EchoWorkflow("x", "x", "x"))));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);

        // A workflow with no trigger can be stored but not activated; n8n says why.
        var untriggered = await bridge.CreateWorkflowAsync(N8nWorkflowDefinition.Parse("""
            {"name":"e2e no trigger","nodes":[{"id":"9e4a0000-0000-4000-8000-0000000000a1","name":"Only","type":"n8n-nodes-base.noOp","typeVersion":1,"position":[0,0],"parameters":{}}],"connections":{}}
            """));
        fixture.DeleteAtEnd(untriggered.Id);
        var refused = await Assert.ThrowsAsync<N8nApiException>(() => bridge.ActivateWorkflowAsync(untriggered.Id));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("trigger", refused.Message, StringComparison.OrdinalIgnoreCase);
    }
}

using System.Net;
using System.Text.Json;
using Xunit;

namespace Allixios.IntegrationTests.N8n;

/// <summary>
/// The Allixios Trigger node in the rig's real n8n: activating its workflow through the bridge subscribes it in the
/// runtime, a job that succeeds there reaches n8n as a signed <c>job.succeeded</c> delivery that starts the workflow,
/// a delivery with a wrong signature is turned away, and deactivating removes the subscription.
/// </summary>
[Collection(N8nGroup.Name)]
public sealed class N8nTriggerTests(N8nFixture fixture)
{
    private const string TriggerWorkflow = """
        {
          "name": "e2e: on job succeeded",
          "nodes": [
            {
              "id": "8d3fbd41-0000-4000-8000-000000000001",
              "name": "On job succeeded",
              "type": "n8n-nodes-allixios.allixiosTrigger",
              "typeVersion": 1,
              "position": [0, 0],
              "webhookId": "WEBHOOK_ID",
              "parameters": { "events": ["job.succeeded"] }
            },
            {
              "id": "8d3fbd41-0000-4000-8000-000000000002",
              "name": "Event",
              "type": "n8n-nodes-base.set",
              "typeVersion": 3.4,
              "position": [240, 0],
              "parameters": {
                "mode": "manual",
                "assignments": { "assignments": [
                  { "id": "e1", "name": "event", "value": "={{ $json.type }}", "type": "string" },
                  { "id": "e2", "name": "jobId", "value": "={{ $json.data.jobId }}", "type": "string" }
                ] },
                "options": {}
              }
            }
          ],
          "connections": { "On job succeeded": { "main": [[{ "node": "Event", "type": "main", "index": 0 }]] } },
          "settings": { "executionOrder": "v1" }
        }
        """;

    [N8nFact]
    public async Task A_job_that_succeeds_in_the_runtime_starts_the_trigger_workflow_with_the_signed_event_and_deactivating_unsubscribes()
    {
        var (tenant, key) = await fixture.CreateTenantAsync("jobs:read", "jobs:write", "webhooks:read", "webhooks:write");
        var credential = await fixture.CreateCredentialAsync(key);
        var created = await fixture.Bridge.CreateWorkflowAsync(N8nFixture.Workflow(TriggerWorkflow.Replace("WEBHOOK_ID", Guid.NewGuid().ToString(), StringComparison.Ordinal), credential));
        fixture.DeleteAtEnd(created.Id);

        // Activation subscribes the node's webhook address in the runtime, for the chosen event only.
        Assert.True((await fixture.Bridge.ActivateWorkflowAsync(created.Id)).Active);
        var subscription = Assert.Single((await GetOkAsync("/v1/webhook-subscriptions", key)).GetProperty("subscriptions").EnumerateArray());
        var url = subscription.GetProperty("url").GetString()!;
        Assert.StartsWith(N8nEnvironment.Url.ToString().TrimEnd('/') + "/webhook/", url, StringComparison.Ordinal);
        Assert.Equal(["job.succeeded"], subscription.GetProperty("eventTypes").EnumerateArray().Select(e => e.GetString()));

        var enqueued = await fixture.Runtime.SendOkAsync(HttpMethod.Post, "/v1/jobs", """{"type":"content.generate","payload":{"topic":"Growing tomatoes on a balcony","length":120}}""", key);
        var jobId = enqueued.GetProperty("job").GetProperty("jobId").GetString()!;

        var execution = await fixture.WaitForExecutionAsync(created.Id, TimeSpan.FromSeconds(90));
        Assert.True(execution.Status == "success", N8nFixture.Error(execution));
        var delivered = Assert.Single(N8nFixture.Output(execution, "On job succeeded"));
        Assert.Equal("job.succeeded", delivered.GetProperty("type").GetString());
        Assert.Equal(jobId, delivered.GetProperty("data").GetProperty("jobId").GetString());
        Assert.Equal(tenant, delivered.GetProperty("data").GetProperty("tenantId").GetString());
        var messageId = delivered.GetProperty("webhookId").GetString()!;
        Assert.StartsWith("msg_", messageId, StringComparison.Ordinal);
        var @event = Assert.Single(N8nFixture.Output(execution, "Event"));
        Assert.Equal(("job.succeeded", jobId), (@event.GetProperty("event").GetString(), @event.GetProperty("jobId").GetString()));

        // The runtime's delivery log: delivered, n8n answered 200.
        var subscriptionId = subscription.GetProperty("subscriptionId").GetString()!;
        var message = Assert.Single((await GetOkAsync($"/v1/webhook-messages?subscriptionId={subscriptionId}", key)).GetProperty("messages").EnumerateArray());
        Assert.Equal("delivered", message.GetProperty("state").GetString());
        var attempt = Assert.Single((await GetOkAsync($"/v1/webhook-messages/{message.GetProperty("messageId").GetString()}/attempts", key)).GetProperty("attempts").EnumerateArray());
        Assert.Equal(200, attempt.GetProperty("statusCode").GetInt32());

        // A delivery n8n cannot verify (signed with another secret) is turned away and starts nothing.
        using (var forged = new HttpRequestMessage(HttpMethod.Post, url) { Content = N8nFixture.JsonContent(new { type = "job.succeeded", timestamp = DateTimeOffset.UtcNow, data = new { jobId = "forged" } }) })
        {
            forged.Headers.Add("webhook-id", "msg_forged");
            forged.Headers.Add("webhook-timestamp", DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
            forged.Headers.Add("webhook-signature", "v1,bm90IHRoZSByaWdodCBzaWduYXR1cmUgYXQgYWxsIQ==");
            using var refused = await fixture.N8nWebhooks.SendAsync(forged);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        await Task.Delay(1000);
        var executions = await fixture.Bridge.ListExecutionsAsync(new Allixios.N8nBridge.N8nExecutionQuery { WorkflowId = created.Id }, limit: 10);
        Assert.Single(executions.Data);

        // Deactivation removes the subscription from the runtime.
        Assert.False((await fixture.Bridge.DeactivateWorkflowAsync(created.Id)).Active);
        Assert.Empty((await GetOkAsync("/v1/webhook-subscriptions", key)).GetProperty("subscriptions").EnumerateArray());
    }

    private Task<JsonElement> GetOkAsync(string path, string key) => fixture.Runtime.SendOkAsync(HttpMethod.Get, path, key: key);
}

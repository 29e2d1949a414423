using System.Net;
using System.Text.Json;
using Allixios.IntegrationTests.Runtime;
using Allixios.Runtime.Contracts.V1;
using Grpc.Core;
using Xunit;

namespace Allixios.IntegrationTests.Webhooks;

/// <summary>A runtime on its embedded default with a quick dispatcher; the webhooks API over HTTP/JSON and gRPC.</summary>
public sealed class WebhooksRuntimeFixture : IAsyncLifetime
{
    private RuntimeProcess? _runtime;

    public RuntimeProcess Runtime => _runtime ?? throw new InvalidOperationException("The runtime has not started.");

    public async Task InitializeAsync() => _runtime = await RuntimeProcess.StartAsync(new Dictionary<string, string?>
    {
        ["Allixios__Webhooks__PollInterval"] = "00:00:00.1",
        ["Allixios__Webhooks__RetrySchedule__0"] = "00:00:01",
    });

    public async Task DisposeAsync()
    {
        if (_runtime is not null)
        {
            await _runtime.DisposeAsync();
        }
    }
}

public sealed class WebhooksApiTests(WebhooksRuntimeFixture fixture) : IClassFixture<WebhooksRuntimeFixture>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private RuntimeProcess Runtime => fixture.Runtime;

    [Fact(Timeout = 90_000)]
    public async Task A_subscription_is_created_read_updated_tested_redelivered_rotated_and_deleted_over_http()
    {
        var key = await CreateTenantWithKeyAsync("webhooks:write");
        await using var receiver = await WebhookReceiver.StartAsync();

        var created = await Runtime.SendOkAsync(HttpMethod.Post, "/v1/webhook-subscriptions", JsonSerializer.Serialize(new { url = receiver.Url, eventTypes = new[] { "job.succeeded", "job.failed" }, description = "n8n trigger" }), key);
        var id = created.GetProperty("subscriptionId").GetString()!;
        var secret = created.GetProperty("secret").GetString()!;
        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);
        Assert.Equal(["job.failed", "job.succeeded"], created.GetProperty("eventTypes").EnumerateArray().Select(e => e.GetString()));
        Assert.True(created.GetProperty("enabled").GetBoolean());
        var read = await Runtime.SendOkAsync(HttpMethod.Get, $"/v1/webhook-subscriptions/{id}", key: key);
        Assert.True(!read.TryGetProperty("secret", out var hidden) || hidden.GetString() == string.Empty, "The secret is only returned by create and rotate.");
        Assert.Equal("n8n trigger", read.GetProperty("description").GetString());
        Assert.Equal([id], (await Runtime.SendOkAsync(HttpMethod.Get, "/v1/webhook-subscriptions", key: key)).GetProperty("subscriptions").EnumerateArray().Select(s => s.GetProperty("subscriptionId").GetString()));
        var types = (await Runtime.SendOkAsync(HttpMethod.Get, "/v1/webhook-event-types", key: key)).GetProperty("eventTypes").EnumerateArray().Select(t => t.GetProperty("name").GetString()).ToList();
        Assert.Contains("job.dead_lettered", types);

        var updated = await Runtime.SendOkAsync(HttpMethod.Put, $"/v1/webhook-subscriptions/{id}", JsonSerializer.Serialize(new { url = receiver.Url, eventTypes = new[] { "job.cancelled" }, description = "changed" }), key);
        Assert.Equal(["job.cancelled"], updated.GetProperty("eventTypes").EnumerateArray().Select(e => e.GetString()));

        // A test event is delivered, signed with the subscription's secret.
        var test = await Runtime.SendOkAsync(HttpMethod.Post, $"/v1/webhook-subscriptions/{id}:test", "{}", key);
        Assert.Equal("webhook.test", test.GetProperty("eventType").GetString());
        var received = await receiver.NextAsync(Wait);
        received.Verify(secret);
        Assert.Equal(test.GetProperty("webhookId").GetString(), received.Id);
        Assert.Equal(test.GetProperty("payload").GetString(), received.Body);
        var messageId = test.GetProperty("messageId").GetString()!;
        await WaitUntilAsync(async () => (await Runtime.SendOkAsync(HttpMethod.Get, $"/v1/webhook-messages/{messageId}", key: key)).GetProperty("state").GetString() == "delivered");
        var delivered = (await Runtime.SendOkAsync(HttpMethod.Get, "/v1/webhook-messages?state=delivered", key: key)).GetProperty("messages");
        Assert.Equal([messageId], delivered.EnumerateArray().Select(m => m.GetProperty("messageId").GetString()));
        Assert.Empty((await Runtime.SendOkAsync(HttpMethod.Get, $"/v1/webhook-messages?state=pending&subscriptionId={id}", key: key)).GetProperty("messages").EnumerateArray());
        var attempts = (await Runtime.SendOkAsync(HttpMethod.Get, $"/v1/webhook-messages/{messageId}/attempts", key: key)).GetProperty("attempts");
        var attempt = Assert.Single(attempts.EnumerateArray());
        Assert.Equal(200, attempt.GetProperty("statusCode").GetInt32());
        Assert.True(attempt.GetProperty("succeeded").GetBoolean());
        Assert.Equal("answered 200", attempt.GetProperty("responseExcerpt").GetString());

        // Redelivered: the same webhook-id again; then the secret is rotated and the next delivery is signed with the new one.
        await Runtime.SendOkAsync(HttpMethod.Post, $"/v1/webhook-messages/{messageId}:redeliver", "{}", key);
        Assert.Equal(received.Id, (await receiver.NextAsync(Wait)).Id);
        var rotated = (await Runtime.SendOkAsync(HttpMethod.Post, $"/v1/webhook-subscriptions/{id}:rotateSecret", "{}", key)).GetProperty("secret").GetString()!;
        Assert.NotEqual(secret, rotated);
        await Runtime.SendOkAsync(HttpMethod.Post, $"/v1/webhook-subscriptions/{id}:test", "{}", key);
        var afterRotation = await receiver.NextAsync(Wait);
        afterRotation.Verify(rotated);
        Assert.Throws<Allixios.Webhooks.WebhookVerificationException>(() => afterRotation.Verify(secret));

        await Runtime.SendOkAsync(HttpMethod.Delete, $"/v1/webhook-subscriptions/{id}", key: key);
        using var gone = await Runtime.SendAsync(HttpMethod.Get, $"/v1/webhook-subscriptions/{id}", key: key);
        Assert.Equal("webhook_subscription_not_found", (await Problem.ReadAsync(gone, HttpStatusCode.NotFound)).Reason);
        using var goneMessage = await Runtime.SendAsync(HttpMethod.Get, $"/v1/webhook-messages/{messageId}", key: key);
        Assert.Equal("webhook_message_not_found", (await Problem.ReadAsync(goneMessage, HttpStatusCode.NotFound)).Reason);
    }

    [Theory(Timeout = 60_000)]
    [InlineData("""{"url":"ftp://example.com/x","eventTypes":["job.succeeded"]}""", "invalid_webhook_url", "http or https")]
    [InlineData("""{"url":"not a url","eventTypes":["job.succeeded"]}""", "invalid_webhook_url", "absolute")]
    [InlineData("""{"url":"https://example.com/h","eventTypes":["job.succeded"]}""", "unknown_event_type", "job.succeeded")]
    [InlineData("""{"url":"https://example.com/h","eventTypes":[]}""", "invalid_event_types", "at least one")]
    public async Task A_bad_subscription_is_a_400_problem_that_says_what_to_fix_and_creates_nothing(string body, string reason, string hint)
    {
        var key = await CreateTenantWithKeyAsync("webhooks:write");

        using var response = await Runtime.SendAsync(HttpMethod.Post, "/v1/webhook-subscriptions", body, key);

        var problem = await Problem.ReadAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(reason, problem.Reason);
        Assert.Contains(hint, problem.Detail, StringComparison.Ordinal);
        Assert.Empty((await Runtime.SendOkAsync(HttpMethod.Get, "/v1/webhook-subscriptions", key: key)).GetProperty("subscriptions").EnumerateArray());
    }

    [Fact(Timeout = 60_000)]
    public async Task Unknown_ids_are_404_malformed_ids_and_filters_400_another_tenants_subscription_404_and_a_read_only_key_403()
    {
        var key = await CreateTenantWithKeyAsync("webhooks:write");
        var other = await CreateTenantWithKeyAsync("webhooks:write");
        var reader = await CreateTenantWithKeyAsync("webhooks:read");
        var id = (await Runtime.SendOkAsync(HttpMethod.Post, "/v1/webhook-subscriptions", """{"url":"https://example.com/h","eventTypes":["job.succeeded"]}""", key)).GetProperty("subscriptionId").GetString();

        using var unknown = await Runtime.SendAsync(HttpMethod.Post, $"/v1/webhook-subscriptions/{Guid.NewGuid()}:test", "{}", key);
        using var unknownMessage = await Runtime.SendAsync(HttpMethod.Post, $"/v1/webhook-messages/{Guid.NewGuid()}:redeliver", "{}", key);
        using var malformed = await Runtime.SendAsync(HttpMethod.Get, "/v1/webhook-subscriptions/not-an-id", key: key);
        using var badState = await Runtime.SendAsync(HttpMethod.Get, "/v1/webhook-messages?state=sent", key: key);
        using var badToken = await Runtime.SendAsync(HttpMethod.Get, "/v1/webhook-messages?pageToken=%21%21", key: key);
        using var foreign = await Runtime.SendAsync(HttpMethod.Get, $"/v1/webhook-subscriptions/{id}", key: other);
        using var forbidden = await Runtime.SendAsync(HttpMethod.Post, "/v1/webhook-subscriptions", """{"url":"https://example.com/h","eventTypes":["job.succeeded"]}""", reader);

        Assert.Equal("webhook_subscription_not_found", (await Problem.ReadAsync(unknown, HttpStatusCode.NotFound)).Reason);
        Assert.Equal("webhook_message_not_found", (await Problem.ReadAsync(unknownMessage, HttpStatusCode.NotFound)).Reason);
        Assert.Equal("invalid_subscription_id", (await Problem.ReadAsync(malformed, HttpStatusCode.BadRequest)).Reason);
        Assert.Equal("invalid_state", (await Problem.ReadAsync(badState, HttpStatusCode.BadRequest)).Reason);
        Assert.Equal("invalid_page_token", (await Problem.ReadAsync(badToken, HttpStatusCode.BadRequest)).Reason);
        Assert.Equal("webhook_subscription_not_found", (await Problem.ReadAsync(foreign, HttpStatusCode.NotFound)).Reason);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Empty((await Runtime.SendOkAsync(HttpMethod.Get, "/v1/webhook-subscriptions", key: reader)).GetProperty("subscriptions").EnumerateArray());
    }

    [Fact(Timeout = 60_000)]
    public async Task The_same_calls_work_over_grpc_and_the_openapi_document_describes_them()
    {
        var key = await CreateTenantWithKeyAsync("webhooks:write");
        var client = new Allixios.Runtime.Contracts.V1.Webhooks.WebhooksClient(Runtime.Grpc);

        var created = await client.CreateWebhookSubscriptionAsync(new CreateWebhookSubscriptionRequest { Url = "https://example.com/grpc", EventTypes = { "job.dead_lettered" } }, RuntimeProcess.WithKey(key));
        Assert.StartsWith("whsec_", created.Secret, StringComparison.Ordinal);
        var listed = await client.ListWebhookSubscriptionsAsync(new ListWebhookSubscriptionsRequest(), RuntimeProcess.WithKey(key));
        Assert.Equal(created.SubscriptionId, Assert.Single(listed.Subscriptions).SubscriptionId);
        var error = await Assert.ThrowsAsync<RpcException>(async () => await client.CreateWebhookSubscriptionAsync(new CreateWebhookSubscriptionRequest { Url = "https://example.com/grpc", EventTypes = { "job.nope" } }, RuntimeProcess.WithKey(key)));
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("job.nope", error.Status.Detail, StringComparison.Ordinal);

        var openApi = JsonDocument.Parse(await Runtime.Http.GetStringAsync("/openapi/v1.json"));
        // Parameter names as the document spells them do not matter here, only that each route is described.
        var paths = openApi.RootElement.GetProperty("paths").EnumerateObject().Select(p => System.Text.RegularExpressions.Regex.Replace(p.Name, "{[^}]*}", "{}")).ToList();
        foreach (var path in new[] { "/v1/webhook-subscriptions", "/v1/webhook-subscriptions/{}", "/v1/webhook-subscriptions/{}:rotateSecret", "/v1/webhook-subscriptions/{}:test", "/v1/webhook-messages", "/v1/webhook-messages/{}/attempts", "/v1/webhook-messages/{}:redeliver", "/v1/webhook-event-types" })
        {
            Assert.Contains(path, paths);
        }
    }

    private async Task<string> CreateTenantWithKeyAsync(params string[] scopes)
    {
        var tenant = "w-" + Guid.NewGuid().ToString("N")[..12];
        await Runtime.SendOkAsync(HttpMethod.Post, "/v1/tenants", $$"""{"tenantId":"{{tenant}}","displayName":"Webhooks {{tenant}}"}""");
        var issued = await Runtime.SendOkAsync(HttpMethod.Post, $"/v1/tenants/{tenant}/api-keys", JsonSerializer.Serialize(new { name = "webhooks test", scopes }));
        return issued.GetProperty("secret").GetString()!;
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The condition did not hold within 30 s.");
            await Task.Delay(100);
        }
    }
}

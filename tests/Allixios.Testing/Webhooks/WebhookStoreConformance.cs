using System.Text.Json;
using Allixios.Orchestration;
using Allixios.Webhooks;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Allixios.Testing.Webhooks;

/// <summary>
/// The contract of <see cref="IWebhookStore"/>, with <see cref="WebhookClient"/>'s validation in front of it and a job
/// queue of the same kind feeding it job events in the transaction of each change; derive once per implementation.
/// </summary>
public abstract class WebhookStoreConformance : IAsyncLifetime
{
    /// <summary>The moment each test starts at.</summary>
    protected static readonly DateTimeOffset T0 = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private const string TenantA = "tenant-a";
    private const string TenantB = "tenant-b";
    private const string Generate = "content.generate";
    private const string Published = "content.published";
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    private IWebhookStore? _store;
    private IJobQueue? _queue;

    /// <summary>The clock of everything under test.</summary>
    protected FakeTimeProvider Time { get; } = new(T0);

    private IWebhookStore Store => _store ?? throw new InvalidOperationException("Created in InitializeAsync.");

    private IJobQueue Queue => _queue ?? throw new InvalidOperationException("Created in InitializeAsync.");

    private WebhookClient Client => new(Store, new WebhookEventCatalog([.. WebhookEventCatalog.JobEvents, new WebhookEventType(Published, "Content was published.")]), Time);

    private JobClient Jobs => new(Queue, new JobTypeRegistry([new JobTypeRegistration(Generate, null)]), Options.Create(new OrchestrationOptions()), Time);

    /// <summary>Creates a fresh, empty store.</summary>
    protected abstract Task<IWebhookStore> CreateStoreAsync();

    /// <summary>Creates a fresh, empty job queue of the same kind whose job events reach <paramref name="store"/>.</summary>
    protected abstract Task<IJobQueue> CreateQueueAsync(IWebhookStore store, TimeProvider time);

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        _store = await CreateStoreAsync();
        _queue = await CreateQueueAsync(_store, Time);
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_queue is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_subscription_reads_back_lists_updates_rotates_its_secret_and_is_deleted()
    {
        var created = await Client.CreateSubscriptionAsync(TenantA, new WebhookSubscriptionSpec(" https://hooks.example.com/a ", [WebhookEventTypes.JobSucceeded, WebhookEventTypes.JobFailed, WebhookEventTypes.JobSucceeded]) { Description = "n8n" });
        Assert.Equal("https://hooks.example.com/a", created.Url);
        Assert.Equal([WebhookEventTypes.JobFailed, WebhookEventTypes.JobSucceeded], created.EventTypes);
        Assert.StartsWith(WebhookSecret.Prefix, created.Secret, StringComparison.Ordinal);
        Assert.Equal(24, WebhookSecret.Decode(created.Secret).Length);
        Assert.True(created.Enabled);
        Assert.Equal(created, await Client.GetSubscriptionAsync(TenantA, created.Id), SubscriptionComparer.Instance);

        Time.Advance(TimeSpan.FromMinutes(1));
        var updated = await Client.UpdateSubscriptionAsync(TenantA, created.Id, new WebhookSubscriptionSpec("http://127.0.0.1:9/b", [Published]) { Enabled = false, Description = "paused" });
        Assert.Equal(created.Secret, updated.Secret);
        Assert.Equal(created.CreatedAt, updated.CreatedAt);
        Assert.Equal(T0.AddMinutes(1), updated.UpdatedAt);
        Assert.Equal(updated, await Client.GetSubscriptionAsync(TenantA, created.Id), SubscriptionComparer.Instance);

        var rotated = await Client.RotateSecretAsync(TenantA, created.Id);
        Assert.NotEqual(created.Secret, rotated.Secret);
        Assert.Equal(rotated.Secret, (await Client.GetSubscriptionAsync(TenantA, created.Id)).Secret);

        var second = await Client.CreateSubscriptionAsync(TenantA, new WebhookSubscriptionSpec("https://hooks.example.com/c", [WebhookEventTypes.JobCancelled]));
        Assert.Equal([created.Id, second.Id], (await Client.ListSubscriptionsAsync(TenantA)).Select(s => s.Id));

        await Client.DeleteSubscriptionAsync(TenantA, created.Id);
        Assert.Equal([second.Id], (await Client.ListSubscriptionsAsync(TenantA)).Select(s => s.Id));
        var gone = await Assert.ThrowsAsync<AllixiosException>(async () => await Client.GetSubscriptionAsync(TenantA, created.Id));
        Assert.Equal("webhook_subscription_not_found", gone.Reason);
    }

    [Fact]
    public async Task A_tenant_never_sees_or_changes_another_tenants_subscriptions_or_messages()
    {
        var a = await Client.CreateSubscriptionAsync(TenantA, new WebhookSubscriptionSpec("https://a.example.com/", [WebhookEventTypes.JobSucceeded]));
        var message = await Client.SendTestAsync(TenantA, a.Id);

        Assert.Empty(await Client.ListSubscriptionsAsync(TenantB));
        Assert.Equal("webhook_subscription_not_found", (await Assert.ThrowsAsync<AllixiosException>(async () => await Client.GetSubscriptionAsync(TenantB, a.Id))).Reason);
        Assert.Equal("webhook_subscription_not_found", (await Assert.ThrowsAsync<AllixiosException>(async () => await Client.DeleteSubscriptionAsync(TenantB, a.Id))).Reason);
        Assert.Equal("webhook_subscription_not_found", (await Assert.ThrowsAsync<AllixiosException>(async () => await Client.RotateSecretAsync(TenantB, a.Id))).Reason);
        Assert.Equal("webhook_subscription_not_found", (await Assert.ThrowsAsync<AllixiosException>(async () => await Client.SendTestAsync(TenantB, a.Id))).Reason);
        Assert.Equal("webhook_message_not_found", (await Assert.ThrowsAsync<AllixiosException>(async () => await Client.GetMessageAsync(TenantB, message.Id))).Reason);
        Assert.Equal("webhook_message_not_found", (await Assert.ThrowsAsync<AllixiosException>(async () => await Client.RedeliverAsync(TenantB, message.Id))).Reason);
        Assert.Empty(await Client.ListMessagesAsync(new WebhookMessageQuery(TenantB)));
        Assert.Equal(a.Secret, (await Client.GetSubscriptionAsync(TenantA, a.Id)).Secret);
    }

    [Fact]
    public async Task A_succeeded_job_writes_one_message_for_each_enabled_subscription_to_the_event_of_its_tenant_only()
    {
        var both = await Client.CreateSubscriptionAsync(TenantA, new WebhookSubscriptionSpec("https://a.example.com/1", [WebhookEventTypes.JobSucceeded, WebhookEventTypes.JobFailed]));
        var succeeded = await Client.CreateSubscriptionAsync(TenantA, new WebhookSubscriptionSpec("https://a.example.com/2", [WebhookEventTypes.JobSucceeded]));
        await Client.CreateSubscriptionAsync(TenantA, new WebhookSubscriptionSpec("https://a.example.com/3", [WebhookEventTypes.JobCancelled]));
        await Client.CreateSubscriptionAsync(TenantA, new WebhookSubscriptionSpec("https://a.example.com/4", [WebhookEventTypes.JobSucceeded]) { Enabled = false });
        await Client.CreateSubscriptionAsync(TenantB, new WebhookSubscriptionSpec("https://b.example.com/", [WebhookEventTypes.JobSucceeded]));

        var job = (await Jobs.EnqueueAsync(TenantA, new NewJob(Generate, """{"topic":"spring"}""") { Tags = ["campaign:spring"], MaxAttempts = 3 })).Job;
        Time.Advance(TimeSpan.FromSeconds(1));
        var lease = Assert.Single(await Queue.DequeueAsync(new DequeueRequest("worker-1", 1, Lease)));
        Assert.Empty(await Client.ListMessagesAsync(new WebhookMessageQuery(TenantA)));
        Time.Advance(TimeSpan.FromSeconds(2));
        Assert.True(await Queue.CompleteAsync(lease));

        var messages = await Client.ListMessagesAsync(new WebhookMessageQuery(TenantA));
        Assert.Equal(new[] { both.Id, succeeded.Id }.Order(), messages.Select(m => m.SubscriptionId).Order());
        Assert.Empty(await Client.ListMessagesAsync(new WebhookMessageQuery(TenantB)));
        foreach (var message in messages)
        {
            Assert.Equal(WebhookEventTypes.JobSucceeded, message.EventType);
            Assert.Equal(WebhookMessageState.Pending, message.State);
            Assert.Equal(T0.AddSeconds(3), message.CreatedAt);
            Assert.Equal(T0.AddSeconds(3), message.NextAttemptAt);
            Assert.Equal(0, message.Attempts);
            Assert.Matches("^msg_[0-9a-f]{32}$", message.WebhookId);
            using var payload = JsonDocument.Parse(message.Payload);
            var root = payload.RootElement;
            Assert.Equal(WebhookEventTypes.JobSucceeded, root.GetProperty("type").GetString());
            Assert.Equal("2025-06-01T12:00:03.000000Z", root.GetProperty("timestamp").GetString());
            var data = root.GetProperty("data");
            Assert.Equal(job.Id.ToString(), data.GetProperty("jobId").GetString());
            Assert.Equal(TenantA, data.GetProperty("tenantId").GetString());
            Assert.Equal(Generate, data.GetProperty("jobType").GetString());
            Assert.Equal("succeeded", data.GetProperty("state").GetString());
            Assert.Equal(1, data.GetProperty("attempt").GetInt32());
            Assert.Equal(3, data.GetProperty("maxAttempts").GetInt32());
            Assert.Equal(["campaign:spring"], data.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
            Assert.Equal(JsonValueKind.Null, data.GetProperty("error").ValueKind);
        }
    }

    [Fact]
    public async Task A_failed_attempt_a_dead_letter_and_a_cancellation_each_report_their_own_event_with_the_error()
    {
        var all = await Client.CreateSubscriptionAsync(TenantA, new WebhookSubscriptionSpec("https://a.example.com/", [WebhookEventTypes.JobFailed, WebhookEventTypes.JobDeadLettered, WebhookEventTypes.JobCancelled]));
        var job = (await Jobs.EnqueueAsync(TenantA, new NewJob(Generate, "{}") { MaxAttempts = 2 })).Job;
        var first = Assert.Single(await Queue.DequeueAsync(new DequeueRequest("worker-1", 1, Lease)));
        Assert.Equal(JobState.Retrying, await Queue.FailAsync(first, "model overloaded", Time.GetUtcNow()));
        var second = Assert.Single(await Queue.DequeueAsync(new DequeueRequest("worker-1", 1, Lease)));
        Assert.Equal(JobState.DeadLettered, await Queue.FailAsync(second, "model still overloaded", null));
        var queued = (await Jobs.EnqueueAsync(TenantA, new NewJob(Generate, "{}") { Delay = TimeSpan.FromHours(1) })).Job;
        await Queue.CancelAsync(TenantA, queued.Id, "not needed");

        var messages = (await Client.ListMessagesAsync(new WebhookMessageQuery(TenantA))).Reverse().ToList();
        Assert.Equal([WebhookEventTypes.JobFailed, WebhookEventTypes.JobDeadLettered, WebhookEventTypes.JobCancelled], messages.Select(m => m.EventType));
        Assert.All(messages, m => Assert.Equal(all.Id, m.SubscriptionId));
        var data = messages.Select(m => JsonDocument.Parse(m.Payload).RootElement.GetProperty("data")).ToList();
        Assert.Equal(["retrying", "dead_lettered", "cancelled"], data.Select(d => d.GetProperty("state").GetString()));
        Assert.Equal([job.Id.ToString(), job.Id.ToString(), queued.Id.ToString()], data.Select(d => d.GetProperty("jobId").GetString()));
        Assert.Equal("model overloaded", data[0].GetProperty("error").GetString());
        Assert.Equal("model still overloaded", data[1].GetProperty("error").GetString());
        Assert.Contains("not needed", data[2].GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal([1, 2, 0], data.Select(d => d.GetProperty("attempt").GetInt32()));
    }

    [Fact]
    public async Task A_job_of_a_tenant_with_no_subscription_to_its_event_writes_no_message()
    {
        await Client.CreateSubscriptionAsync(TenantA, new WebhookSubscriptionSpec("https://a.example.com/", [WebhookEventTypes.JobCancelled]));
        await Jobs.EnqueueAsync(TenantA, new NewJob(Generate, "{}"));
        await Jobs.EnqueueAsync(TenantB, new NewJob(Generate, "{}"));
        foreach (var lease in await Queue.DequeueAsync(new DequeueRequest("worker-1", 10, Lease)))
        {
            Assert.True(await Queue.CompleteAsync(lease));
        }

        Assert.Empty(await Client.ListMessagesAsync(new WebhookMessageQuery(TenantA)));
        Assert.Empty(await Client.ListMessagesAsync(new WebhookMessageQuery(TenantB)));
    }

    [Fact]
    public async Task A_claimed_message_is_not_claimed_again_until_its_claim_ends_and_only_the_current_claim_records_its_attempt()
    {
        var subscription = await Client.CreateSubscriptionAsync(TenantA, new WebhookSubscriptionSpec("https://a.example.com/", [WebhookEventTypes.JobSucceeded]));
        var message = await Client.SendTestAsync(TenantA, subscription.Id);
        Assert.Empty(await Store.ClaimDueAsync(T0.AddTicks(-10), 10, T0.AddMinutes(1)));

        var first = Assert.Single(await Store.ClaimDueAsync(T0, 10, T0.AddSeconds(30)));
        Assert.Equal(message.Id, first.Message.Id);
        Assert.Equal(subscription.Url, first.Url);
        Assert.Equal(subscription.Secret, first.Secret);
        Assert.Empty(await Store.ClaimDueAsync(T0.AddSeconds(29), 10, T0.AddSeconds(60)));

        // The first claimer "crashed": after its claim ends the message is due again, for a new claim.
        var second = Assert.Single(await Store.ClaimDueAsync(T0.AddSeconds(30), 10, T0.AddSeconds(60)));
        Assert.NotEqual(first.ClaimToken, second.ClaimToken);
        var attempt = new WebhookAttempt(message.Id, T0.AddSeconds(31), 200, TimeSpan.FromMilliseconds(12.5), "ok", null, Succeeded: true);
        Assert.False(await Store.RecordAttemptAsync(first, new WebhookAttemptRecord(attempt, WebhookMessageState.Delivered, null, null)));
        Assert.True(await Store.RecordAttemptAsync(second, new WebhookAttemptRecord(attempt, WebhookMessageState.Delivered, null, null)));
        Assert.False(await Store.RecordAttemptAsync(second, new WebhookAttemptRecord(attempt, WebhookMessageState.Delivered, null, null)));

        var delivered = await Client.GetMessageAsync(TenantA, message.Id);
        Assert.Equal(WebhookMessageState.Delivered, delivered.State);
        Assert.Equal(1, delivered.Attempts);
        Assert.Equal(T0.AddSeconds(31), delivered.DeliveredAt);
        Assert.Equal(T0.AddSeconds(31), delivered.LastAttemptAt);
        Assert.Equal(200, delivered.LastStatusCode);
        Assert.Null(delivered.NextAttemptAt);
        Assert.Equal([attempt], await Client.ListAttemptsAsync(TenantA, message.Id));
        Assert.Empty(await Store.ClaimDueAsync(T0.AddDays(1), 10, T0.AddDays(2)));
    }

    [Fact]
    public async Task A_failed_attempt_is_logged_and_the_message_is_due_again_at_its_retry_time()
    {
        var subscription = await Client.CreateSubscriptionAsync(TenantA, new WebhookSubscriptionSpec("https://a.example.com/", [WebhookEventTypes.JobSucceeded]));
        var message = await Client.SendTestAsync(TenantA, subscription.Id);
        var claim = Assert.Single(await Store.ClaimDueAsync(T0, 10, T0.AddSeconds(30)));
        var failed = new WebhookAttempt(message.Id, T0, 500, TimeSpan.FromSeconds(1), "boom", "The endpoint answered 500 Internal Server Error.", Succeeded: false);
        Assert.True(await Store.RecordAttemptAsync(claim, new WebhookAttemptRecord(failed, WebhookMessageState.Pending, T0.AddSeconds(6), null)));

        var pending = await Client.GetMessageAsync(TenantA, message.Id);
        Assert.Equal((WebhookMessageState.Pending, 1, T0.AddSeconds(6), 500, failed.Error), (pending.State, pending.Attempts, pending.NextAttemptAt, pending.LastStatusCode, pending.LastError));
        Assert.Empty(await Store.ClaimDueAsync(T0.AddSeconds(5), 10, T0.AddSeconds(60)));
        var retry = Assert.Single(await Store.ClaimDueAsync(T0.AddSeconds(6), 10, T0.AddSeconds(60)));
        Assert.Equal(1, retry.Message.Attempts);
        Assert.Equal([failed], await Client.ListAttemptsAsync(TenantA, message.Id));
    }

    [Fact]
    public async Task A_gone_endpoint_disables_its_subscription_which_then_gets_no_messages_until_enabled_again()
    {
        var subscription = await Client.CreateSubscriptionAsync(TenantA, new WebhookSubscriptionSpec("https://a.example.com/", [Published]));
        Assert.Equal(1, await Client.PublishAsync(TenantA, Published, """{"contentId":"c1"}"""));
        Assert.Equal(1, await Client.PublishAsync(TenantA, Published, """{"contentId":"c2"}"""));
        var claims = await Store.ClaimDueAsync(T0, 1, T0.AddSeconds(30));
        var gone = new WebhookAttempt(claims[0].Message.Id, T0, 410, TimeSpan.FromMilliseconds(3), null, "The endpoint answered 410 Gone.", Succeeded: false);
        Assert.True(await Store.RecordAttemptAsync(claims[0], new WebhookAttemptRecord(gone, WebhookMessageState.Failed, null, "410 Gone")));

        var disabled = await Client.GetSubscriptionAsync(TenantA, subscription.Id);
        Assert.False(disabled.Enabled);
        Assert.Equal("410 Gone", disabled.DisabledReason);
        Assert.Equal(0, await Client.PublishAsync(TenantA, Published, """{"contentId":"c3"}"""));
        // The other pending message waits while the subscription is disabled…
        Assert.Empty(await Store.ClaimDueAsync(T0.AddMinutes(1), 10, T0.AddMinutes(2)));

        // … and goes out once it is enabled again, which clears the reason.
        var enabled = await Client.UpdateSubscriptionAsync(TenantA, subscription.Id, new WebhookSubscriptionSpec(subscription.Url, [Published]));
        Assert.True(enabled.Enabled);
        Assert.Null(enabled.DisabledReason);
        var resumed = Assert.Single(await Store.ClaimDueAsync(T0.AddMinutes(1), 10, T0.AddMinutes(2)));
        Assert.NotEqual(claims[0].Message.Id, resumed.Message.Id);
    }

    [Fact]
    public async Task Messages_page_newest_first_and_filter_by_subscription_and_state()
    {
        var one = await Client.CreateSubscriptionAsync(TenantA, new WebhookSubscriptionSpec("https://a.example.com/1", [Published]));
        var two = await Client.CreateSubscriptionAsync(TenantA, new WebhookSubscriptionSpec("https://a.example.com/2", [WebhookEventTypes.JobSucceeded]));
        var sent = new List<WebhookMessage>();
        for (var i = 0; i < 5; i++)
        {
            sent.Add(await Client.SendTestAsync(TenantA, i % 2 == 0 ? one.Id : two.Id));
            Time.Advance(TimeSpan.FromSeconds(1));
        }

        var firstPage = await Client.ListMessagesAsync(new WebhookMessageQuery(TenantA) { Limit = 2 });
        Assert.Equal([sent[4].Id, sent[3].Id], firstPage.Select(m => m.Id));
        var nextPage = await Client.ListMessagesAsync(new WebhookMessageQuery(TenantA) { Limit = 2, Before = firstPage[^1].Position });
        Assert.Equal([sent[2].Id, sent[1].Id], nextPage.Select(m => m.Id));
        Assert.Equal([sent[4].Id, sent[2].Id, sent[0].Id], (await Client.ListMessagesAsync(new WebhookMessageQuery(TenantA) { SubscriptionId = one.Id })).Select(m => m.Id));

        var claim = (await Store.ClaimDueAsync(T0, 1, T0.AddSeconds(30))).Single();
        Assert.Equal(sent[0].Id, claim.Message.Id);
        await Store.RecordAttemptAsync(claim, new WebhookAttemptRecord(new WebhookAttempt(claim.Message.Id, T0, 204, TimeSpan.Zero, null, null, true), WebhookMessageState.Delivered, null, null));
        Assert.Equal([sent[0].Id], (await Client.ListMessagesAsync(new WebhookMessageQuery(TenantA) { State = WebhookMessageState.Delivered })).Select(m => m.Id));
        Assert.Equal(4, (await Client.ListMessagesAsync(new WebhookMessageQuery(TenantA) { State = WebhookMessageState.Pending })).Count);
        Assert.Empty(await Client.ListMessagesAsync(new WebhookMessageQuery(TenantA) { State = WebhookMessageState.Failed }));
    }

    [Fact]
    public async Task A_redelivered_message_is_pending_again_now_with_a_fresh_schedule_and_keeps_its_log()
    {
        var subscription = await Client.CreateSubscriptionAsync(TenantA, new WebhookSubscriptionSpec("https://a.example.com/", [WebhookEventTypes.JobSucceeded]));
        var message = await Client.SendTestAsync(TenantA, subscription.Id);
        var claim = Assert.Single(await Store.ClaimDueAsync(T0, 10, T0.AddSeconds(30)));
        var failed = new WebhookAttempt(message.Id, T0, null, TimeSpan.FromSeconds(15), null, "The endpoint did not answer within 15 s.", Succeeded: false);
        await Store.RecordAttemptAsync(claim, new WebhookAttemptRecord(failed, WebhookMessageState.Failed, null, null));
        Assert.Equal(WebhookMessageState.Failed, (await Client.GetMessageAsync(TenantA, message.Id)).State);

        Time.Advance(TimeSpan.FromHours(1));
        var redelivered = await Client.RedeliverAsync(TenantA, message.Id);
        Assert.Equal((WebhookMessageState.Pending, 0, T0.AddHours(1)), (redelivered.State, redelivered.Attempts, redelivered.NextAttemptAt));
        Assert.Equal(message.Payload, redelivered.Payload);
        Assert.Equal(message.Id, Assert.Single(await Store.ClaimDueAsync(T0.AddHours(1), 10, T0.AddHours(2))).Message.Id);
        Assert.Equal([failed], await Client.ListAttemptsAsync(TenantA, message.Id));
    }

    [Fact]
    public async Task A_registered_event_type_is_published_to_its_subscribers_and_a_test_send_reaches_any_subscription()
    {
        var content = await Client.CreateSubscriptionAsync(TenantA, new WebhookSubscriptionSpec("https://a.example.com/c", [Published]));
        var jobs = await Client.CreateSubscriptionAsync(TenantA, new WebhookSubscriptionSpec("https://a.example.com/j", [WebhookEventTypes.JobSucceeded]));
        Assert.Equal(1, await Client.PublishAsync(TenantA, Published, """{"contentId":"c1","title":"Spring"}"""));
        var published = Assert.Single(await Client.ListMessagesAsync(new WebhookMessageQuery(TenantA)));
        Assert.Equal((content.Id, Published), (published.SubscriptionId, published.EventType));
        using (var payload = JsonDocument.Parse(published.Payload))
        {
            Assert.Equal("Spring", payload.RootElement.GetProperty("data").GetProperty("title").GetString());
            Assert.Equal(Published, payload.RootElement.GetProperty("type").GetString());
        }

        var test = await Client.SendTestAsync(TenantA, jobs.Id);
        Assert.Equal((jobs.Id, WebhookEventTypes.Test, WebhookMessageState.Pending, T0), (test.SubscriptionId, test.EventType, test.State, test.NextAttemptAt));
        Assert.Equal(test, await Client.GetMessageAsync(TenantA, test.Id), MessageComparer.Instance);
        using var testPayload = JsonDocument.Parse(test.Payload);
        Assert.Equal(jobs.Id.ToString(), testPayload.RootElement.GetProperty("data").GetProperty("subscriptionId").GetString());
    }

    [Fact]
    public async Task Bad_input_is_refused_with_a_reason_and_changes_nothing()
    {
        async Task<string> ReasonAsync(Func<Task> act) => (await Assert.ThrowsAsync<AllixiosException>(act)).Reason;
        Task Create(string url, params string[] types) => Client.CreateSubscriptionAsync(TenantA, new WebhookSubscriptionSpec(url, types)).AsTask();

        foreach (var url in new[] { "", "not a url", "/relative/path", "ftp://example.com/x", "file:///etc/passwd", "https://example.com/#fragment", "https://example.com/" + new string('a', 2048) })
        {
            Assert.Equal("invalid_webhook_url", await ReasonAsync(() => Create(url, WebhookEventTypes.JobSucceeded)));
        }

        Assert.Equal("unknown_event_type", await ReasonAsync(() => Create("https://example.com/", "job.succeded")));
        Assert.Equal("invalid_event_types", await ReasonAsync(() => Create("https://example.com/")));
        Assert.Equal("invalid_description", await ReasonAsync(() => Client.CreateSubscriptionAsync(TenantA, new WebhookSubscriptionSpec("https://example.com/", [WebhookEventTypes.JobSucceeded]) { Description = new string('d', 501) }).AsTask()));
        Assert.Empty(await Client.ListSubscriptionsAsync(TenantA));

        var missing = Guid.NewGuid();
        Assert.Equal("webhook_subscription_not_found", await ReasonAsync(() => Client.UpdateSubscriptionAsync(TenantA, missing, new WebhookSubscriptionSpec("https://example.com/", [WebhookEventTypes.JobSucceeded])).AsTask()));
        Assert.Equal("webhook_subscription_not_found", await ReasonAsync(() => Client.ListMessagesAsync(new WebhookMessageQuery(TenantA) { SubscriptionId = missing }).AsTask()));
        Assert.Equal("webhook_message_not_found", await ReasonAsync(() => Client.ListAttemptsAsync(TenantA, missing).AsTask()));
        Assert.Equal("invalid_page_size", await ReasonAsync(() => Client.ListMessagesAsync(new WebhookMessageQuery(TenantA) { Limit = 0 }).AsTask()));
        Assert.Equal("unknown_event_type", await ReasonAsync(() => Client.PublishAsync(TenantA, "content.unpublished", "{}").AsTask()));
        Assert.Equal("invalid_event_data", await ReasonAsync(() => Client.PublishAsync(TenantA, Published, "[1,2]").AsTask()));
    }

    private sealed class SubscriptionComparer : IEqualityComparer<WebhookSubscription>
    {
        public static readonly SubscriptionComparer Instance = new();

        public bool Equals(WebhookSubscription? x, WebhookSubscription? y) =>
            x is not null && y is not null && x.EventTypes.SequenceEqual(y.EventTypes) && x == y with { EventTypes = x.EventTypes };

        public int GetHashCode(WebhookSubscription obj) => obj.Id.GetHashCode();
    }

    // Stores may write the same JSON with different spacing and key order.
    private sealed class MessageComparer : IEqualityComparer<WebhookMessage>
    {
        public static readonly MessageComparer Instance = new();

        public bool Equals(WebhookMessage? x, WebhookMessage? y) =>
            x is not null && y is not null && x with { Payload = string.Empty } == y with { Payload = string.Empty }
            && JsonElement.DeepEquals(JsonDocument.Parse(x.Payload).RootElement, JsonDocument.Parse(y.Payload).RootElement);

        public int GetHashCode(WebhookMessage obj) => obj.Id.GetHashCode();
    }
}

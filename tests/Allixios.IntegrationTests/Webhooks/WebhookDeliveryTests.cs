using System.Text.Json;
using Allixios.Orchestration;
using Allixios.Webhooks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Xunit;

namespace Allixios.IntegrationTests.Webhooks;

/// <summary>
/// Webhooks end to end on PostgreSQL: a host with the job engine and the dispatcher, and a real Kestrel receiver on
/// loopback that checks each delivery's signature as an n8n trigger would.
/// </summary>
public sealed class WebhookDeliveryTests(MigratedPostgresDatabase database) : IClassFixture<MigratedPostgresDatabase>
{
    private const string EchoType = "test.echo";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact(Timeout = 90_000)]
    public async Task A_job_that_succeeds_is_delivered_to_the_receiver_signed_and_the_signature_verifies()
    {
        var tenant = NewTenant();
        await using var receiver = await WebhookReceiver.StartAsync();
        using var host = await StartHostAsync();
        var webhooks = host.Services.GetRequiredService<WebhookClient>();
        var subscription = await webhooks.CreateSubscriptionAsync(tenant, new WebhookSubscriptionSpec(receiver.Url, [WebhookEventTypes.JobSucceeded]));

        var job = (await host.Services.GetRequiredService<JobClient>().EnqueueAsync(tenant, new NewJob(EchoType, """{"say":"hi"}""") { Tags = ["n8n"] })).Job;
        var received = await receiver.NextAsync(Wait);

        received.Verify(subscription.Secret);
        Assert.Equal("application/json", received.ContentType?.Split(';')[0]);
        using var body = JsonDocument.Parse(received.Body);
        Assert.Equal("job.succeeded", body.RootElement.GetProperty("type").GetString());
        Assert.Equal(job.Id.ToString(), body.RootElement.GetProperty("data").GetProperty("jobId").GetString());
        Assert.Equal(EchoType, body.RootElement.GetProperty("data").GetProperty("jobType").GetString());
        var message = Assert.Single(await webhooks.ListMessagesAsync(new WebhookMessageQuery(tenant)));
        Assert.Equal(message.WebhookId, received.Id);
        await WaitUntilAsync(async () => (await webhooks.GetMessageAsync(tenant, message.Id)).State == WebhookMessageState.Delivered);
        var attempt = Assert.Single(await webhooks.ListAttemptsAsync(tenant, message.Id));
        Assert.Equal((200, true, "answered 200"), (attempt.StatusCode, attempt.Succeeded, attempt.ResponseExcerpt));
        // A tampered body does not verify with the same headers.
        Assert.Throws<WebhookVerificationException>(() => (received with { Body = received.Body.Replace(job.Id.ToString(), Guid.NewGuid().ToString(), StringComparison.Ordinal) }).Verify(subscription.Secret));
        Assert.Throws<WebhookVerificationException>(() => received.Verify(WebhookSecret.Generate()));
    }

    [Fact(Timeout = 90_000)]
    public async Task A_receiver_answering_500_gets_the_same_message_again_after_the_backoff_and_a_200_delivers_it()
    {
        var tenant = NewTenant();
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Answer(500);
        using var host = await StartHostAsync(o => o.RetrySchedule.Add(TimeSpan.FromSeconds(2)));
        var webhooks = host.Services.GetRequiredService<WebhookClient>();
        var subscription = await webhooks.CreateSubscriptionAsync(tenant, new WebhookSubscriptionSpec(receiver.Url, [WebhookEventTypes.JobSucceeded]));
        var message = await webhooks.SendTestAsync(tenant, subscription.Id);

        var first = await receiver.NextAsync(Wait);
        var second = await receiver.NextAsync(Wait);

        Assert.Equal((500, 200), (first.AnsweredStatus, second.AnsweredStatus));
        Assert.Equal(first.Id, second.Id);
        Assert.Equal(message.WebhookId, second.Id);
        second.Verify(subscription.Secret);
        Assert.True(second.At - first.At >= TimeSpan.FromSeconds(1.9), $"The retry came {second.At - first.At} after the first attempt; the backoff is 2 s.");
        await WaitUntilAsync(async () => (await webhooks.GetMessageAsync(tenant, message.Id)).State == WebhookMessageState.Delivered);
        var attempts = await webhooks.ListAttemptsAsync(tenant, message.Id);
        Assert.Equal([(500, false), (200, true)], attempts.Select(a => (a.StatusCode ?? 0, a.Succeeded)));
        Assert.Equal("The endpoint answered 500 Internal Server Error.", attempts[0].Error);
    }

    [Fact(Timeout = 90_000)]
    public async Task A_receiver_answering_410_disables_its_subscription()
    {
        var tenant = NewTenant();
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Answer(410);
        using var host = await StartHostAsync();
        var webhooks = host.Services.GetRequiredService<WebhookClient>();
        var subscription = await webhooks.CreateSubscriptionAsync(tenant, new WebhookSubscriptionSpec(receiver.Url, [WebhookEventTypes.JobSucceeded]));
        var message = await webhooks.SendTestAsync(tenant, subscription.Id);

        Assert.Equal(410, (await receiver.NextAsync(Wait)).AnsweredStatus);

        await WaitUntilAsync(async () => !(await webhooks.GetSubscriptionAsync(tenant, subscription.Id)).Enabled);
        Assert.Contains("410 Gone", (await webhooks.GetSubscriptionAsync(tenant, subscription.Id)).DisabledReason, StringComparison.Ordinal);
        Assert.Equal(WebhookMessageState.Failed, (await webhooks.GetMessageAsync(tenant, message.Id)).State);
        await host.Services.GetRequiredService<JobClient>().EnqueueAsync(tenant, new NewJob(EchoType, "{}"));
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.False(receiver.HasUnread);
        Assert.Single(await webhooks.ListMessagesAsync(new WebhookMessageQuery(tenant)));
    }

    [Fact(Timeout = 120_000)]
    public async Task The_outbox_row_commits_with_the_job_and_is_delivered_after_the_dispatcher_crashed_or_never_ran()
    {
        var tenant = NewTenant();
        await using var receiver = await WebhookReceiver.StartAsync();
        Guid jobId;
        WebhookSubscription subscription;

        // 1. A process without a running dispatcher finishes a job: its message is committed with it, and nothing is sent.
        using (var withoutDispatcher = await StartHostAsync(o => o.RunDispatcher = false))
        {
            var webhooks = withoutDispatcher.Services.GetRequiredService<WebhookClient>();
            subscription = await webhooks.CreateSubscriptionAsync(tenant, new WebhookSubscriptionSpec(receiver.Url, [WebhookEventTypes.JobSucceeded, WebhookEventTypes.JobCancelled]));
            jobId = (await withoutDispatcher.Services.GetRequiredService<JobClient>().EnqueueAsync(tenant, new NewJob(EchoType, "{}"))).Job.Id;
            await WaitUntilAsync(async () => (await webhooks.ListMessagesAsync(new WebhookMessageQuery(tenant))).Count == 1);
            await withoutDispatcher.StopAsync();
        }

        // 2. A dispatcher claims the message and dies before recording its attempt (its process is gone, its claim stays).
        var store = new PostgresWebhookStore(database.DataSource);
        var claimedByTheCrashed = Assert.Single(await store.ClaimDueAsync(DateTimeOffset.UtcNow, 10, DateTimeOffset.UtcNow.AddSeconds(3)), c => c.Message.TenantId == tenant);
        Assert.False(receiver.HasUnread);

        // 3. A new process's dispatcher delivers it once the dead claim has run out.
        using var restarted = await StartHostAsync();
        var received = await receiver.NextAsync(Wait);
        received.Verify(subscription.Secret);
        Assert.Equal(claimedByTheCrashed.Message.WebhookId, received.Id);
        Assert.True(received.At >= claimedByTheCrashed.Message.NextAttemptAt!.Value.AddMilliseconds(-50), $"It was sent at {received.At:O}, before the dead claim ran out at {claimedByTheCrashed.Message.NextAttemptAt:O}.");
        using var body = JsonDocument.Parse(received.Body);
        Assert.Equal(jobId.ToString(), body.RootElement.GetProperty("data").GetProperty("jobId").GetString());
        var webhooksAfter = restarted.Services.GetRequiredService<WebhookClient>();
        await WaitUntilAsync(async () => (await webhooksAfter.GetMessageAsync(tenant, claimedByTheCrashed.Message.Id)).State == WebhookMessageState.Delivered);
        // The crashed dispatcher cannot record its stale claim over the delivery.
        Assert.False(await store.RecordAttemptAsync(claimedByTheCrashed, new WebhookAttemptRecord(
            new WebhookAttempt(claimedByTheCrashed.Message.Id, DateTimeOffset.UtcNow, 500, TimeSpan.Zero, null, "late", false), WebhookMessageState.Pending, DateTimeOffset.UtcNow, null)));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_job_change_that_rolls_back_leaves_no_message_behind()
    {
        var tenant = NewTenant();
        var store = new PostgresWebhookStore(database.DataSource);
        var webhooks = new WebhookClient(store, new WebhookEventCatalog(WebhookEventCatalog.JobEvents), TimeProvider.System);
        await webhooks.CreateSubscriptionAsync(tenant, new WebhookSubscriptionSpec("http://127.0.0.1:9/hooks", [WebhookEventTypes.JobCancelled]));
        var queue = new PostgresJobQueue(database.DataSource, TimeProvider.System);
        var job = (await queue.EnqueueAsync(NewJobFor(tenant))).Job;

        await using (var scope = await global::Allixios.Storage.PostgresScope.ForTenantAsync(database.DataSource, tenant))
        {
            await using var cancel = scope.CreateCommand("UPDATE jobs SET state = 'cancelled', updated_at = now() WHERE job_id = $1");
            cancel.Parameters.Add(new() { Value = job.Id });
            Assert.Equal(1, await cancel.ExecuteNonQueryAsync());
            await using var count = scope.CreateCommand("SELECT count(*) FROM webhook_messages");
            Assert.Equal(1L, await count.ExecuteScalarAsync());
            await scope.Transaction.RollbackAsync();
        }

        Assert.Empty(await webhooks.ListMessagesAsync(new WebhookMessageQuery(tenant)));
        await queue.CancelAsync(tenant, job.Id, "for real");
        Assert.Equal(WebhookEventTypes.JobCancelled, Assert.Single(await webhooks.ListMessagesAsync(new WebhookMessageQuery(tenant))).EventType);
        // Its messages go with it, so no dispatcher of another test tries the unreachable URL.
        await webhooks.DeleteSubscriptionAsync(tenant, (await webhooks.ListSubscriptionsAsync(tenant)).Single().Id);
        Assert.Empty(await webhooks.ListMessagesAsync(new WebhookMessageQuery(tenant)));
    }

    private static Job NewJobFor(string tenant)
    {
        var now = DateTimeOffset.UtcNow;
        return new Job(Guid.CreateVersion7(), tenant, EchoType, "{}", 5, null, JobState.Scheduled, 0, 3, now.AddHours(1), null, TimeSpan.FromMinutes(1), [], null, null, now, now, null, null, null, null, null, null);
    }

    private async Task<IHost> StartHostAsync(Action<WebhookOptions>? configure = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddAllixios()
            .UsePostgres(database.Database.ConnectionString)
            .AddOrchestration()
            .AddJobHandler<EchoHandler>(EchoType)
            .AddWebhooks(o =>
            {
                o.PollInterval = TimeSpan.FromMilliseconds(100);
                o.RequestTimeout = TimeSpan.FromSeconds(5);
                configure?.Invoke(o);
            });
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    private static string NewTenant() => "wh-" + Guid.NewGuid().ToString("N")[..12];

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The condition did not hold within 30 s.");
            await Task.Delay(100);
        }
    }

    private sealed class EchoHandler : IJobHandler<JsonElement>
    {
        public ValueTask HandleAsync(JobContext<JsonElement> context) => ValueTask.CompletedTask;
    }
}

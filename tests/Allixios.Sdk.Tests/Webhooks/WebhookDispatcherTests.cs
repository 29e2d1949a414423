using System.Net;
using Allixios.Orchestration;
using Allixios.Webhooks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Allixios.Sdk.Tests.Webhooks;

public sealed class WebhookDispatcherTests : IDisposable
{
    private const string Tenant = "acme";
    private static readonly DateTimeOffset T0 = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _time = new(T0);
    private readonly InMemoryWebhookStore _store = new();
    private readonly RecordingHandler _receiver = new();
    private readonly WebhookOptions _options = new() { RequestTimeout = TimeSpan.FromSeconds(2), ResponseExcerptLength = 10 };

    private WebhookClient Client => new(_store, new WebhookEventCatalog(WebhookEventCatalog.JobEvents), _time);

    private WebhookDispatcher Dispatcher => new(_store, _receiver, Options.Create(_options), _time, NullLogger<WebhookDispatcher>.Instance);

    public void Dispose() => _receiver.Dispose();

    [Fact]
    public async Task A_message_is_posted_as_json_with_standard_webhook_headers_whose_signature_verifies()
    {
        var subscription = await Client.CreateSubscriptionAsync(Tenant, new WebhookSubscriptionSpec("https://hooks.example.com/in?x=1", [WebhookEventTypes.JobSucceeded]));
        var message = await Client.SendTestAsync(Tenant, subscription.Id);
        _receiver.Answer(HttpStatusCode.OK, "thanks, received it all");

        Assert.Equal(1, await Dispatcher.DispatchDueAsync());

        var (request, body) = Assert.Single(_receiver.Received);
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal(new Uri("https://hooks.example.com/in?x=1"), request.RequestUri);
        Assert.Equal("application/json", request.Content!.Headers.ContentType!.MediaType);
        Assert.Equal(message.Payload, body);
        var id = request.Headers.GetValues(StandardWebhook.IdHeader).Single();
        var timestamp = request.Headers.GetValues(StandardWebhook.TimestampHeader).Single();
        Assert.Equal(message.WebhookId, id);
        Assert.Equal(T0.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), timestamp);
        StandardWebhook.Verify(subscription.Secret, body, id, timestamp, request.Headers.GetValues(StandardWebhook.SignatureHeader).Single(), _time.GetUtcNow());

        var delivered = await Client.GetMessageAsync(Tenant, message.Id);
        Assert.Equal((WebhookMessageState.Delivered, 1, 200), (delivered.State, delivered.Attempts, delivered.LastStatusCode));
        var attempt = Assert.Single(await Client.ListAttemptsAsync(Tenant, message.Id));
        Assert.True(attempt.Succeeded);
        Assert.Equal("thanks, re", attempt.ResponseExcerpt);
        Assert.Null(attempt.Error);
        Assert.Equal(0, await Dispatcher.DispatchDueAsync());
    }

    [Fact]
    public async Task A_receiver_answering_500_is_retried_after_the_first_backoff_and_then_delivered_with_the_same_id()
    {
        var subscription = await Client.CreateSubscriptionAsync(Tenant, new WebhookSubscriptionSpec("https://hooks.example.com/", [WebhookEventTypes.JobSucceeded]));
        var message = await Client.SendTestAsync(Tenant, subscription.Id);
        _receiver.Answer(HttpStatusCode.InternalServerError, "oops").Answer(HttpStatusCode.NoContent);

        await Dispatcher.DispatchDueAsync();
        var pending = await Client.GetMessageAsync(Tenant, message.Id);
        Assert.Equal((WebhookMessageState.Pending, 1, 500), (pending.State, pending.Attempts, pending.LastStatusCode));
        Assert.Equal("The endpoint answered 500 Internal Server Error.", pending.LastError);
        // 5 s, lengthened by up to 20% of jitter.
        Assert.InRange(pending.NextAttemptAt!.Value, T0.AddSeconds(5), T0.AddSeconds(6));

        _time.Advance(TimeSpan.FromSeconds(4.9));
        Assert.Equal(0, await Dispatcher.DispatchDueAsync());
        _time.Advance(TimeSpan.FromSeconds(1.1));
        Assert.Equal(1, await Dispatcher.DispatchDueAsync());

        Assert.Equal(2, _receiver.Received.Count);
        Assert.Equal(_receiver.Received[0].Request.Headers.GetValues(StandardWebhook.IdHeader), _receiver.Received[1].Request.Headers.GetValues(StandardWebhook.IdHeader));
        Assert.Equal(WebhookMessageState.Delivered, (await Client.GetMessageAsync(Tenant, message.Id)).State);
        Assert.Equal([false, true], (await Client.ListAttemptsAsync(Tenant, message.Id)).Select(a => a.Succeeded));
    }

    [Fact]
    public async Task A_receiver_that_keeps_failing_is_retried_on_the_schedule_for_more_than_a_day_before_the_message_fails()
    {
        var subscription = await Client.CreateSubscriptionAsync(Tenant, new WebhookSubscriptionSpec("https://hooks.example.com/", [WebhookEventTypes.JobSucceeded]));
        var message = await Client.SendTestAsync(Tenant, subscription.Id);
        var schedule = WebhookOptions.DefaultRetrySchedule;
        for (var i = 0; i <= schedule.Count; i++)
        {
            _receiver.Answer(HttpStatusCode.ServiceUnavailable);
        }

        var waits = new List<TimeSpan>();
        while (true)
        {
            Assert.Equal(1, await Dispatcher.DispatchDueAsync());
            var current = await Client.GetMessageAsync(Tenant, message.Id);
            if (current.State != WebhookMessageState.Pending)
            {
                Assert.Equal(WebhookMessageState.Failed, current.State);
                break;
            }

            var wait = current.NextAttemptAt!.Value - _time.GetUtcNow();
            waits.Add(wait);
            _time.Advance(wait);
        }

        Assert.Equal(schedule.Count + 1, _receiver.Received.Count);
        Assert.Equal(schedule.Count, waits.Count);
        for (var i = 0; i < schedule.Count; i++)
        {
            Assert.InRange(waits[i], schedule[i], schedule[i] * 1.2 + TimeSpan.FromTicks(10));
        }

        Assert.True(_time.GetUtcNow() - T0 > TimeSpan.FromHours(24), $"The retries ended after {_time.GetUtcNow() - T0}.");
        Assert.Equal(schedule.Count + 1, (await Client.ListAttemptsAsync(Tenant, message.Id)).Count);
        Assert.Equal(0, await Dispatcher.DispatchDueAsync());
    }

    [Fact]
    public async Task A_410_gone_fails_the_message_and_disables_the_subscription_so_nothing_more_is_sent()
    {
        var subscription = await Client.CreateSubscriptionAsync(Tenant, new WebhookSubscriptionSpec("https://hooks.example.com/", [WebhookEventTypes.JobSucceeded]));
        var message = await Client.SendTestAsync(Tenant, subscription.Id);
        _receiver.Answer(HttpStatusCode.Gone);

        await Dispatcher.DispatchDueAsync();

        Assert.Equal(WebhookMessageState.Failed, (await Client.GetMessageAsync(Tenant, message.Id)).State);
        var disabled = await Client.GetSubscriptionAsync(Tenant, subscription.Id);
        Assert.False(disabled.Enabled);
        Assert.Contains("410 Gone", disabled.DisabledReason, StringComparison.Ordinal);
        await Client.SendTestAsync(Tenant, subscription.Id);
        _time.Advance(TimeSpan.FromDays(2));
        Assert.Equal(0, await Dispatcher.DispatchDueAsync());
        Assert.Single(_receiver.Received);
    }

    [Fact]
    public async Task A_receiver_that_does_not_answer_in_time_or_cannot_be_reached_counts_as_a_failed_attempt()
    {
        var subscription = await Client.CreateSubscriptionAsync(Tenant, new WebhookSubscriptionSpec("https://hooks.example.com/", [WebhookEventTypes.JobSucceeded]));
        var message = await Client.SendTestAsync(Tenant, subscription.Id);
        _receiver.Hang().Refuse();

        var dispatching = Dispatcher.DispatchDueAsync();
        while (_receiver.Received.Count == 0)
        {
            await Task.Delay(5);
        }

        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(1, await dispatching);
        var timedOut = Assert.Single(await Client.ListAttemptsAsync(Tenant, message.Id));
        Assert.Null(timedOut.StatusCode);
        Assert.Equal("The endpoint did not answer within 2 s.", timedOut.Error);
        Assert.Equal(TimeSpan.FromSeconds(2), timedOut.Duration);

        _time.Advance(TimeSpan.FromSeconds(6));
        await Dispatcher.DispatchDueAsync();
        var refused = (await Client.ListAttemptsAsync(Tenant, message.Id))[1];
        Assert.Equal("The request failed: Connection refused (127.0.0.1:9)", refused.Error);
        Assert.Equal(WebhookMessageState.Pending, (await Client.GetMessageAsync(Tenant, message.Id)).State);
    }

    [Fact]
    public async Task With_webhooks_added_the_in_memory_queue_reports_its_jobs_to_the_webhook_store()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddAllixios().AddOrchestration().AddWebhooks().AddWebhookEventType("content.published", "Content was published.");
        await using var provider = services.BuildServiceProvider();

        var queue = Assert.IsType<InMemoryJobQueue>(provider.GetRequiredService<IJobQueue>());
        Assert.Same(provider.GetRequiredService<IWebhookStore>(), queue.Observer);
        var catalog = provider.GetRequiredService<WebhookClient>().Catalog;
        Assert.Equal(["content.published", "job.cancelled", "job.dead_lettered", "job.failed", "job.succeeded"], catalog.All.Select(t => t.Name));
        Assert.Throws<ArgumentException>(() => services.AddAllixios().AddWebhookEventType("Content Published", "bad"));
    }

    [Fact]
    public void Options_out_of_range_are_refused_at_start()
    {
        var services = new ServiceCollection();
        services.AddAllixios().AddWebhooks(o => o.RetrySchedule.Add(TimeSpan.FromDays(2)));
        using var provider = services.BuildServiceProvider();
        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<WebhookOptions>>().Value);
        Assert.Contains("RetrySchedule", error.Message, StringComparison.Ordinal);
    }
}

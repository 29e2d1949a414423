using System.Diagnostics;
using System.Net;
using System.Text;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Allixios.Webhooks;

/// <summary>
/// Delivers the outbox: claims due messages (any number of replicas may run it; a claim keeps others off a message for
/// twice the <see cref="WebhookOptions.RequestTimeout"/>, after which a crashed dispatcher's messages are due again),
/// POSTs each as JSON with the Standard Webhooks headers, and records the attempt: a 2xx delivers it, a 410 Gone
/// fails it and disables its subscription, anything else (another status, a timeout, a connection failure) schedules a
/// retry after the next wait of <see cref="WebhookOptions.RetrySchedule"/>, lengthened by a random jitter, until the
/// schedule is used up. Redirects are not followed: the URL given is the one that must answer.
/// </summary>
public sealed partial class WebhookDispatcher(
    IWebhookStore store,
    IHttpClientFactory httpClients,
    IOptions<WebhookOptions> options,
    TimeProvider time,
    ILogger<WebhookDispatcher> logger) : BackgroundService
{
    /// <summary>The name of the <see cref="HttpClient"/> deliveries are sent with.</summary>
    public const string HttpClientName = "Allixios.Webhooks";

    /// <summary>
    /// One pass: claims up to <see cref="WebhookOptions.BatchSize"/> due messages and attempts each, at most
    /// <see cref="WebhookOptions.MaxConcurrency"/> at once; returns how many it claimed.
    /// </summary>
    public async Task<int> DispatchDueAsync(CancellationToken cancellationToken = default)
    {
        var settings = options.Value;
        var now = time.GetUtcNow();
        var claimed = await store.ClaimDueAsync(now, settings.BatchSize, now + (2 * settings.RequestTimeout), cancellationToken);
        if (claimed.Count == 0)
        {
            return 0;
        }

        var client = httpClients.CreateClient(HttpClientName);
        await Parallel.ForEachAsync(
            claimed,
            new ParallelOptions { MaxDegreeOfParallelism = settings.MaxConcurrency, CancellationToken = cancellationToken },
            async (delivery, token) => await DeliverAsync(client, delivery, settings, token));
        return claimed.Count;
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.RunDispatcher)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            var claimed = 0;
            try
            {
                claimed = await DispatchDueAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // The store is unreachable (e.g. PostgreSQL restarting): nothing is lost, as a claimed message whose
                // attempt was not recorded is due again when its claim ends.
                LogDispatcherError(e);
            }

            // A full batch means more may be due at once.
            if (claimed < settings.BatchSize)
            {
                await Task.Delay(settings.PollInterval, time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private async Task DeliverAsync(HttpClient client, WebhookDelivery delivery, WebhookOptions settings, CancellationToken cancellationToken)
    {
        var message = delivery.Message;
        var at = time.GetUtcNow();
        var started = time.GetTimestamp();
        int? status = null;
        string? excerpt = null;
        string? error = null;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, delivery.Url)
            {
                Content = new StringContent(message.Payload, Encoding.UTF8, "application/json"),
            };
            request.Headers.TryAddWithoutValidation(StandardWebhook.IdHeader, message.WebhookId);
            request.Headers.TryAddWithoutValidation(StandardWebhook.TimestampHeader, at.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
            request.Headers.TryAddWithoutValidation(StandardWebhook.SignatureHeader, StandardWebhook.Sign(delivery.Secret, message.WebhookId, at, message.Payload));
            request.Headers.UserAgent.ParseAdd("Allixios-Webhooks/1.0");
            using var timeout = new CancellationTokenSource(settings.RequestTimeout, time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
            try
            {
                using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token);
                status = (int)response.StatusCode;
                excerpt = await ReadExcerptAsync(response, settings.ResponseExcerptLength, linked.Token);
                if (!response.IsSuccessStatusCode)
                {
                    error = $"The endpoint answered {status} {response.ReasonPhrase}.";
                }
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                error ??= $"The endpoint did not answer within {settings.RequestTimeout.TotalSeconds} s.";
            }
        }
        catch (HttpRequestException e)
        {
            error = $"The request failed: {e.Message}";
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down: the attempt is not recorded, so the message is due again when its claim ends.
            return;
        }

        var duration = time.GetElapsedTime(started);
        var finished = time.GetUtcNow();
        var delivered = error is null && status is >= 200 and < 300;
        WebhookAttemptRecord record;
        string outcome;
        if (delivered)
        {
            record = new(new WebhookAttempt(message.Id, at, status, duration, excerpt, null, Succeeded: true), WebhookMessageState.Delivered, null, null);
            outcome = "delivered";
        }
        else if (status == (int)HttpStatusCode.Gone)
        {
            var reason = $"The endpoint answered 410 Gone at {finished:u}: the subscription was disabled. Update it with enabled true to resume.";
            record = new(new WebhookAttempt(message.Id, at, status, duration, excerpt, error, Succeeded: false), WebhookMessageState.Failed, null, reason);
            outcome = "disabled";
        }
        else
        {
            var schedule = settings.EffectiveRetrySchedule;
            var failures = message.Attempts + 1;
            var attempt = new WebhookAttempt(message.Id, at, status, duration, excerpt, error, Succeeded: false);
            if (failures <= schedule.Count)
            {
                var wait = schedule[failures - 1] * (1 + (settings.Jitter * Random.Shared.NextDouble()));
                record = new(attempt, WebhookMessageState.Pending, finished + wait, null);
                outcome = "retrying";
            }
            else
            {
                record = new(attempt, WebhookMessageState.Failed, null, null);
                outcome = "failed";
            }

            LogAttemptFailed(message.WebhookId, delivery.Url, failures, error);
        }

        WebhookInstruments.Attempts.Add(1, new TagList { { "event_type", message.EventType }, { "outcome", outcome } });
        WebhookInstruments.Duration.Record(duration.TotalSeconds, new TagList { { "outcome", outcome } });
        if (!await store.RecordAttemptAsync(delivery, record, CancellationToken.None))
        {
            // The claim ran out during the attempt and another dispatcher took the message: it will be sent again, which
            // receivers handle by its webhook-id (delivery is at least once).
            LogClaimLost(message.WebhookId);
        }
    }

    private static async Task<string?> ReadExcerptAsync(HttpResponseMessage response, int maxChars, CancellationToken cancellationToken)
    {
        if (maxChars == 0)
        {
            return null;
        }

        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        // UTF-8 takes at most 4 bytes a character; no more than that is read, whatever the receiver sends.
        var buffer = new byte[maxChars * 4];
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await body.ReadAsync(buffer.AsMemory(read), cancellationToken);
            if (n == 0)
            {
                break;
            }

            read += n;
        }

        if (read == 0)
        {
            return null;
        }

        var text = Encoding.UTF8.GetString(buffer, 0, read);
        return text.Length > maxChars ? text[..maxChars] : text;
    }

    [LoggerMessage(EventId = 6001, EventName = "WebhookDispatcherError", Level = LogLevel.Warning, Message = "The webhook dispatcher could not reach its store; it tries again.")]
    private partial void LogDispatcherError(Exception exception);

    [LoggerMessage(EventId = 6002, EventName = "WebhookAttemptFailed", Level = LogLevel.Information, Message = "Webhook {WebhookId} to {Url} failed (attempt {Attempt}): {Error}")]
    private partial void LogAttemptFailed(string webhookId, string url, int attempt, string? error);

    [LoggerMessage(EventId = 6003, EventName = "WebhookClaimLost", Level = LogLevel.Warning, Message = "Webhook {WebhookId}'s claim ran out during its attempt; another dispatcher sends it again.")]
    private partial void LogClaimLost(string webhookId);
}

using Allixios.Orchestration;

namespace Allixios.Webhooks;

/// <summary>
/// The embedded default <see cref="IWebhookStore"/>: everything in process memory, gone when the process ends. As the
/// <see cref="IJobStateObserver"/> of the <see cref="InMemoryJobQueue"/> it writes job events' messages in the queue's
/// own atomic step, as the PostgreSQL trigger does in the job's transaction. The same conformance suite proves both.
/// </summary>
public sealed class InMemoryWebhookStore : IWebhookStore, IJobStateObserver
{
    private readonly Lock _gate = new();
    private readonly Dictionary<Guid, WebhookSubscription> _subscriptions = [];
    private readonly Dictionary<Guid, Entry> _messages = [];
    private long _position;

    /// <inheritdoc />
    public ValueTask CreateSubscriptionAsync(WebhookSubscription subscription, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        lock (_gate)
        {
            _subscriptions.Add(subscription.Id, subscription);
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<WebhookSubscription?> GetSubscriptionAsync(string tenantId, Guid subscriptionId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return ValueTask.FromResult(FindSubscription(tenantId, subscriptionId));
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<WebhookSubscription>> ListSubscriptionsAsync(string tenantId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            IReadOnlyList<WebhookSubscription> list = [.. _subscriptions.Values.Where(s => s.TenantId == tenantId).OrderBy(s => s.CreatedAt).ThenBy(s => s.Id)];
            return ValueTask.FromResult(list);
        }
    }

    /// <inheritdoc />
    public ValueTask<bool> UpdateSubscriptionAsync(WebhookSubscription subscription, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        lock (_gate)
        {
            if (FindSubscription(subscription.TenantId, subscription.Id) is not { } existing)
            {
                return ValueTask.FromResult(false);
            }

            _subscriptions[subscription.Id] = subscription with { CreatedAt = existing.CreatedAt };
            return ValueTask.FromResult(true);
        }
    }

    /// <inheritdoc />
    public ValueTask<bool> DeleteSubscriptionAsync(string tenantId, Guid subscriptionId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (FindSubscription(tenantId, subscriptionId) is null)
            {
                return ValueTask.FromResult(false);
            }

            _subscriptions.Remove(subscriptionId);
            foreach (var id in _messages.Values.Where(e => e.Message.SubscriptionId == subscriptionId).Select(e => e.Message.Id).ToList())
            {
                _messages.Remove(id);
            }

            return ValueTask.FromResult(true);
        }
    }

    /// <inheritdoc />
    public ValueTask<int> PublishAsync(string tenantId, string eventType, string dataJson, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        var payload = WebhookPayloads.Envelope(eventType, at, dataJson);
        lock (_gate)
        {
            return ValueTask.FromResult(Publish(tenantId, eventType, payload, at));
        }
    }

    /// <inheritdoc />
    public ValueTask<WebhookMessage?> AddMessageAsync(string tenantId, Guid subscriptionId, string eventType, string dataJson, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        var payload = WebhookPayloads.Envelope(eventType, at, dataJson);
        lock (_gate)
        {
            return ValueTask.FromResult(FindSubscription(tenantId, subscriptionId) is { } subscription ? Add(subscription, eventType, payload, at) : null);
        }
    }

    /// <inheritdoc />
    public void OnStateChanged(Job job, JobState from)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (WebhookPayloads.JobEventType(job.State) is not { } eventType)
        {
            return;
        }

        lock (_gate)
        {
            // Checked before the payload is built: most tenants subscribe to nothing, and this runs under the queue's lock.
            if (!_subscriptions.Values.Any(s => Receives(s, job.TenantId, eventType)))
            {
                return;
            }

            Publish(job.TenantId, eventType, WebhookPayloads.Envelope(eventType, job.UpdatedAt, WebhookPayloads.JobData(job)), job.UpdatedAt);
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<WebhookDelivery>> ClaimDueAsync(DateTimeOffset now, int maxMessages, DateTimeOffset claimUntil, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var token = Guid.NewGuid();
            var due = _messages.Values
                .Where(e => e.Message.State == WebhookMessageState.Pending && e.Message.NextAttemptAt <= now && _subscriptions[e.Message.SubscriptionId].Enabled)
                .OrderBy(e => e.Message.NextAttemptAt)
                .ThenBy(e => e.Message.Position)
                .Take(maxMessages)
                .ToList();
            var claimed = new List<WebhookDelivery>(due.Count);
            foreach (var entry in due)
            {
                entry.Message = entry.Message with { NextAttemptAt = Round(claimUntil) };
                entry.ClaimToken = token;
                var subscription = _subscriptions[entry.Message.SubscriptionId];
                claimed.Add(new WebhookDelivery(entry.Message, subscription.Url, subscription.Secret, token));
            }

            return ValueTask.FromResult<IReadOnlyList<WebhookDelivery>>(claimed);
        }
    }

    /// <inheritdoc />
    public ValueTask<bool> RecordAttemptAsync(WebhookDelivery delivery, WebhookAttemptRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        ArgumentNullException.ThrowIfNull(record);
        lock (_gate)
        {
            if (!_messages.TryGetValue(delivery.Message.Id, out var entry) || entry.ClaimToken != delivery.ClaimToken)
            {
                return ValueTask.FromResult(false);
            }

            var attempt = record.Attempt with { At = Round(record.Attempt.At), Duration = RoundDuration(record.Attempt.Duration) };
            entry.ClaimToken = null;
            entry.Attempts.Add(attempt);
            entry.Message = entry.Message with
            {
                State = record.State,
                Attempts = entry.Message.Attempts + 1,
                NextAttemptAt = record.NextAttemptAt is { } next ? Round(next) : null,
                LastAttemptAt = attempt.At,
                DeliveredAt = record.State == WebhookMessageState.Delivered ? attempt.At : entry.Message.DeliveredAt,
                LastStatusCode = attempt.StatusCode,
                LastError = attempt.Error,
            };
            if (record.DisableSubscription is { } reason && _subscriptions.TryGetValue(entry.Message.SubscriptionId, out var subscription))
            {
                _subscriptions[subscription.Id] = subscription with { Enabled = false, DisabledReason = reason, UpdatedAt = attempt.At };
            }

            return ValueTask.FromResult(true);
        }
    }

    /// <inheritdoc />
    public ValueTask<WebhookMessage?> GetMessageAsync(string tenantId, Guid messageId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return ValueTask.FromResult(FindMessage(tenantId, messageId)?.Message);
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<WebhookMessage>> ListMessagesAsync(WebhookMessageQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        lock (_gate)
        {
            IReadOnlyList<WebhookMessage> page = [.. _messages.Values
                .Select(e => e.Message)
                .Where(m => m.TenantId == query.TenantId
                    && (query.SubscriptionId is null || m.SubscriptionId == query.SubscriptionId)
                    && (query.State is null || m.State == query.State)
                    && (query.Before is null || m.Position < query.Before))
                .OrderByDescending(m => m.Position)
                .Take(query.Limit)];
            return ValueTask.FromResult(page);
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<WebhookAttempt>> ListAttemptsAsync(string tenantId, Guid messageId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            IReadOnlyList<WebhookAttempt> attempts = FindMessage(tenantId, messageId)?.Attempts.ToList() ?? [];
            return ValueTask.FromResult(attempts);
        }
    }

    /// <inheritdoc />
    public ValueTask<WebhookMessage?> RedeliverAsync(string tenantId, Guid messageId, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (FindMessage(tenantId, messageId) is not { } entry)
            {
                return ValueTask.FromResult<WebhookMessage?>(null);
            }

            entry.ClaimToken = null;
            entry.Message = entry.Message with { State = WebhookMessageState.Pending, Attempts = 0, NextAttemptAt = Round(now) };
            return ValueTask.FromResult<WebhookMessage?>(entry.Message);
        }
    }

    private static bool Receives(WebhookSubscription subscription, string tenantId, string eventType) =>
        subscription.Enabled && subscription.TenantId == tenantId && subscription.EventTypes.Contains(eventType);

    // Called under the gate.
    private int Publish(string tenantId, string eventType, string payload, DateTimeOffset at)
    {
        var written = 0;
        foreach (var subscription in _subscriptions.Values.Where(s => Receives(s, tenantId, eventType)).OrderBy(s => s.Id).ToList())
        {
            Add(subscription, eventType, payload, at);
            written++;
        }

        return written;
    }

    // Called under the gate.
    private WebhookMessage Add(WebhookSubscription subscription, string eventType, string payload, DateTimeOffset at)
    {
        var message = new WebhookMessage(Guid.NewGuid(), ++_position, subscription.TenantId, subscription.Id, eventType, payload, Round(at),
            WebhookMessageState.Pending, Attempts: 0, NextAttemptAt: Round(at), LastAttemptAt: null, DeliveredAt: null, LastStatusCode: null, LastError: null);
        _messages.Add(message.Id, new Entry(message));
        return message;
    }

    private WebhookSubscription? FindSubscription(string tenantId, Guid id) =>
        _subscriptions.TryGetValue(id, out var subscription) && subscription.TenantId == tenantId ? subscription : null;

    private Entry? FindMessage(string tenantId, Guid id) =>
        _messages.TryGetValue(id, out var entry) && entry.Message.TenantId == tenantId ? entry : null;

    // PostgreSQL keeps microseconds; both stores must read back the same times.
    private static DateTimeOffset Round(DateTimeOffset value) => new(value.UtcTicks - (value.UtcTicks % 10), TimeSpan.Zero);

    private static TimeSpan RoundDuration(TimeSpan value) => new(value.Ticks - (value.Ticks % 10));

    private sealed class Entry(WebhookMessage message)
    {
        public WebhookMessage Message { get; set; } = message;

        public Guid? ClaimToken { get; set; }

        public List<WebhookAttempt> Attempts { get; } = [];
    }
}

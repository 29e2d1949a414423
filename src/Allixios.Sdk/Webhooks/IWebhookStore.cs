namespace Allixios.Webhooks;

/// <summary>
/// Subscriptions, the outbox of messages and the delivery log: in memory in the embedded default, in PostgreSQL in
/// production. Callers validate first (<see cref="WebhookClient"/> does). Job events reach it in the transaction of the
/// job's change (a trigger on PostgreSQL, the queue's observer in memory), so a message is never lost nor written for a
/// change that did not happen. Any number of dispatchers may share a store: <see cref="ClaimDueAsync"/> never hands
/// the same message to two of them while a claim lasts.
/// </summary>
public interface IWebhookStore
{
    /// <summary>Adds a subscription.</summary>
    ValueTask CreateSubscriptionAsync(WebhookSubscription subscription, CancellationToken cancellationToken = default);

    /// <summary>The subscription, or <see langword="null"/> when the tenant has no such subscription.</summary>
    ValueTask<WebhookSubscription?> GetSubscriptionAsync(string tenantId, Guid subscriptionId, CancellationToken cancellationToken = default);

    /// <summary>The tenant's subscriptions, oldest first.</summary>
    ValueTask<IReadOnlyList<WebhookSubscription>> ListSubscriptionsAsync(string tenantId, CancellationToken cancellationToken = default);

    /// <summary>Replaces a subscription's URL, event types, secret, enabled flag, description and disabled reason; <see langword="false"/> when the tenant has no such subscription.</summary>
    ValueTask<bool> UpdateSubscriptionAsync(WebhookSubscription subscription, CancellationToken cancellationToken = default);

    /// <summary>Deletes a subscription with its messages and their log; <see langword="false"/> when the tenant has no such subscription.</summary>
    ValueTask<bool> DeleteSubscriptionAsync(string tenantId, Guid subscriptionId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes one pending message, due at <paramref name="at"/>, for each of the tenant's enabled subscriptions to
    /// <paramref name="eventType"/>, with the payload <c>{"type", "timestamp": at, "data": dataJson}</c>; returns how many.
    /// </summary>
    ValueTask<int> PublishAsync(string tenantId, string eventType, string dataJson, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>Writes one pending message for one subscription whatever its event types (a test send); <see langword="null"/> when the tenant has no such subscription.</summary>
    ValueTask<WebhookMessage?> AddMessageAsync(string tenantId, Guid subscriptionId, string eventType, string dataJson, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>
    /// Claims up to <paramref name="maxMessages"/> pending messages of enabled subscriptions due at <paramref name="now"/>,
    /// earliest first, for every tenant, until <paramref name="claimUntil"/>: until then no other claim returns them; after
    /// it (the claimer crashed or hung) they are due again.
    /// </summary>
    ValueTask<IReadOnlyList<WebhookDelivery>> ClaimDueAsync(DateTimeOffset now, int maxMessages, DateTimeOffset claimUntil, CancellationToken cancellationToken = default);

    /// <summary>
    /// Logs an attempt of a claimed message and moves the message on, in one step, only while
    /// <paramref name="delivery"/>'s claim is still the message's; returns whether it was. Disables the subscription
    /// when <see cref="WebhookAttemptRecord.DisableSubscription"/> says so.
    /// </summary>
    ValueTask<bool> RecordAttemptAsync(WebhookDelivery delivery, WebhookAttemptRecord record, CancellationToken cancellationToken = default);

    /// <summary>The message, or <see langword="null"/> when the tenant has no such message.</summary>
    ValueTask<WebhookMessage?> GetMessageAsync(string tenantId, Guid messageId, CancellationToken cancellationToken = default);

    /// <summary>A page of the tenant's messages, newest first.</summary>
    ValueTask<IReadOnlyList<WebhookMessage>> ListMessagesAsync(WebhookMessageQuery query, CancellationToken cancellationToken = default);

    /// <summary>The message's attempts, oldest first (empty when the tenant has no such message).</summary>
    ValueTask<IReadOnlyList<WebhookAttempt>> ListAttemptsAsync(string tenantId, Guid messageId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Makes the message pending again, due at <paramref name="now"/>, with its attempt count (and so the retry schedule)
    /// reset; its log stays. <see langword="null"/> when the tenant has no such message.
    /// </summary>
    ValueTask<WebhookMessage?> RedeliverAsync(string tenantId, Guid messageId, DateTimeOffset now, CancellationToken cancellationToken = default);
}

namespace Allixios.Webhooks;

/// <summary>One event for one subscription, in the outbox until delivered or given up.</summary>
/// <param name="Id">The message id; its <c>webhook-id</c> is <see cref="WebhookId"/>.</param>
/// <param name="Position">Orders a tenant's messages: a later message has a greater position.</param>
/// <param name="TenantId">The tenant.</param>
/// <param name="SubscriptionId">The subscription it goes to.</param>
/// <param name="EventType">The event type, e.g. <c>job.succeeded</c>.</param>
/// <param name="Payload">The JSON body: <c>{"type", "timestamp", "data"}</c>.</param>
/// <param name="CreatedAt">When the event happened.</param>
/// <param name="State">Where its delivery is.</param>
/// <param name="Attempts">Attempts made since it was written or last redelivered (the retry schedule counts these).</param>
/// <param name="NextAttemptAt">When it is next due, while pending.</param>
/// <param name="LastAttemptAt">When it was last attempted.</param>
/// <param name="DeliveredAt">When its URL answered 2xx.</param>
/// <param name="LastStatusCode">The HTTP status of the last attempt, if one came back.</param>
/// <param name="LastError">What went wrong on the last attempt, if it failed.</param>
public sealed record WebhookMessage(
    Guid Id,
    long Position,
    string TenantId,
    Guid SubscriptionId,
    string EventType,
    string Payload,
    DateTimeOffset CreatedAt,
    WebhookMessageState State,
    int Attempts,
    DateTimeOffset? NextAttemptAt,
    DateTimeOffset? LastAttemptAt,
    DateTimeOffset? DeliveredAt,
    int? LastStatusCode,
    string? LastError)
{
    /// <summary>The <c>webhook-id</c> header: <c>msg_</c> and the id, the same on every attempt.</summary>
    public string WebhookId => "msg_" + Id.ToString("N");
}

using System.Text.Json;

namespace Allixios.Webhooks;

/// <summary>
/// Manages a tenant's webhook subscriptions and its messages: validates what callers send (the URL, the event types
/// against the <see cref="WebhookEventCatalog"/>), generates and rotates secrets, lists the outbox and the delivery log,
/// redelivers and sends test events. Other capabilities publish their events with <see cref="PublishAsync"/>.
/// </summary>
public sealed class WebhookClient(IWebhookStore store, WebhookEventCatalog catalog, TimeProvider time)
{
    /// <summary>The longest URL accepted.</summary>
    public const int MaxUrlLength = 2048;

    /// <summary>The longest description accepted.</summary>
    public const int MaxDescriptionLength = 500;

    /// <summary>The event types subscriptions may name.</summary>
    public WebhookEventCatalog Catalog => catalog;

    /// <summary>Creates a subscription with a new secret, returned in the result (and by <see cref="RotateSecretAsync"/>).</summary>
    /// <exception cref="AllixiosException">InvalidArgument for a bad URL, description or event type.</exception>
    public async ValueTask<WebhookSubscription> CreateSubscriptionAsync(string tenantId, WebhookSubscriptionSpec spec, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenantId);
        var (url, eventTypes, description) = Validate(spec);
        var now = Now();
        var subscription = new WebhookSubscription(Guid.CreateVersion7(now), tenantId, url, eventTypes, WebhookSecret.Generate(), spec.Enabled, description, DisabledReason: null, now, now);
        await store.CreateSubscriptionAsync(subscription, cancellationToken);
        return subscription;
    }

    /// <summary>The subscription.</summary>
    /// <exception cref="AllixiosException">NotFound (<c>webhook_subscription_not_found</c>).</exception>
    public async ValueTask<WebhookSubscription> GetSubscriptionAsync(string tenantId, Guid subscriptionId, CancellationToken cancellationToken = default) =>
        await store.GetSubscriptionAsync(tenantId, subscriptionId, cancellationToken) ?? throw WebhookErrors.SubscriptionNotFound(tenantId, subscriptionId);

    /// <summary>The tenant's subscriptions, oldest first.</summary>
    public ValueTask<IReadOnlyList<WebhookSubscription>> ListSubscriptionsAsync(string tenantId, CancellationToken cancellationToken = default) =>
        store.ListSubscriptionsAsync(tenantId, cancellationToken);

    /// <summary>
    /// Replaces the subscription's URL, event types, description and enabled flag (its secret stays). Enabling it clears
    /// the reason Allixios disabled it for; its pending messages then go out.
    /// </summary>
    /// <exception cref="AllixiosException">InvalidArgument for bad input; NotFound (<c>webhook_subscription_not_found</c>).</exception>
    public async ValueTask<WebhookSubscription> UpdateSubscriptionAsync(string tenantId, Guid subscriptionId, WebhookSubscriptionSpec spec, CancellationToken cancellationToken = default)
    {
        var (url, eventTypes, description) = Validate(spec);
        var existing = await GetSubscriptionAsync(tenantId, subscriptionId, cancellationToken);
        var updated = existing with
        {
            Url = url,
            EventTypes = eventTypes,
            Description = description,
            Enabled = spec.Enabled,
            DisabledReason = spec.Enabled ? null : existing.DisabledReason,
            UpdatedAt = Now(),
        };
        return await store.UpdateSubscriptionAsync(updated, cancellationToken) ? updated : throw WebhookErrors.SubscriptionNotFound(tenantId, subscriptionId);
    }

    /// <summary>Gives the subscription a new secret; messages are signed with it from the next attempt on.</summary>
    /// <exception cref="AllixiosException">NotFound (<c>webhook_subscription_not_found</c>).</exception>
    public async ValueTask<WebhookSubscription> RotateSecretAsync(string tenantId, Guid subscriptionId, CancellationToken cancellationToken = default)
    {
        var existing = await GetSubscriptionAsync(tenantId, subscriptionId, cancellationToken);
        var updated = existing with { Secret = WebhookSecret.Generate(), UpdatedAt = Now() };
        return await store.UpdateSubscriptionAsync(updated, cancellationToken) ? updated : throw WebhookErrors.SubscriptionNotFound(tenantId, subscriptionId);
    }

    /// <summary>Deletes the subscription, its messages and their log.</summary>
    /// <exception cref="AllixiosException">NotFound (<c>webhook_subscription_not_found</c>).</exception>
    public async ValueTask DeleteSubscriptionAsync(string tenantId, Guid subscriptionId, CancellationToken cancellationToken = default)
    {
        if (!await store.DeleteSubscriptionAsync(tenantId, subscriptionId, cancellationToken))
        {
            throw WebhookErrors.SubscriptionNotFound(tenantId, subscriptionId);
        }
    }

    /// <summary>
    /// Writes a <c>webhook.test</c> message for the subscription, whatever its event types, due now: it shows whether the
    /// receiver gets and verifies deliveries. Its data names the subscription.
    /// </summary>
    /// <exception cref="AllixiosException">NotFound (<c>webhook_subscription_not_found</c>).</exception>
    public async ValueTask<WebhookMessage> SendTestAsync(string tenantId, Guid subscriptionId, CancellationToken cancellationToken = default)
    {
        var data = JsonSerializer.Serialize(new Dictionary<string, string> { ["subscriptionId"] = subscriptionId.ToString(), ["message"] = "A test event from Allixios." });
        return await store.AddMessageAsync(tenantId, subscriptionId, WebhookEventTypes.Test, data, Now(), cancellationToken)
            ?? throw WebhookErrors.SubscriptionNotFound(tenantId, subscriptionId);
    }

    /// <summary>
    /// Publishes an event of a registered type to the tenant's subscriptions to it (one message each, due now); returns how
    /// many. For events that must commit with other PostgreSQL changes, call <c>allixios_webhook_publish</c> in that
    /// transaction instead.
    /// </summary>
    /// <exception cref="AllixiosException">InvalidArgument for an unregistered type or data that is not a JSON object.</exception>
    public ValueTask<int> PublishAsync(string tenantId, string eventType, string dataJson, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenantId);
        catalog.Validate([eventType]);
        if (!IsJsonObject(dataJson))
        {
            throw AllixiosException.Invalid("invalid_event_data", "A webhook event's data must be a JSON object, e.g. {\"contentId\":\"…\"}.");
        }

        return store.PublishAsync(tenantId, eventType, dataJson, Now(), cancellationToken);
    }

    /// <summary>The message.</summary>
    /// <exception cref="AllixiosException">NotFound (<c>webhook_message_not_found</c>).</exception>
    public async ValueTask<WebhookMessage> GetMessageAsync(string tenantId, Guid messageId, CancellationToken cancellationToken = default) =>
        await store.GetMessageAsync(tenantId, messageId, cancellationToken) ?? throw WebhookErrors.MessageNotFound(tenantId, messageId);

    /// <summary>A page of the tenant's messages, newest first.</summary>
    /// <exception cref="AllixiosException">InvalidArgument when the limit is not 1 to 1000; NotFound for an unknown subscription filter.</exception>
    public async ValueTask<IReadOnlyList<WebhookMessage>> ListMessagesAsync(WebhookMessageQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Limit is < 1 or > 1000)
        {
            throw AllixiosException.Invalid("invalid_page_size", $"A page holds 1 to 1000 messages; {query.Limit} was asked for.");
        }

        if (query.SubscriptionId is { } subscriptionId)
        {
            await GetSubscriptionAsync(query.TenantId, subscriptionId, cancellationToken);
        }

        return await store.ListMessagesAsync(query, cancellationToken);
    }

    /// <summary>The message's delivery attempts, oldest first.</summary>
    /// <exception cref="AllixiosException">NotFound (<c>webhook_message_not_found</c>).</exception>
    public async ValueTask<IReadOnlyList<WebhookAttempt>> ListAttemptsAsync(string tenantId, Guid messageId, CancellationToken cancellationToken = default)
    {
        await GetMessageAsync(tenantId, messageId, cancellationToken);
        return await store.ListAttemptsAsync(tenantId, messageId, cancellationToken);
    }

    /// <summary>Sends the message again, now, with a fresh retry schedule, whatever its state; receivers see the same <c>webhook-id</c>.</summary>
    /// <exception cref="AllixiosException">NotFound (<c>webhook_message_not_found</c>).</exception>
    public async ValueTask<WebhookMessage> RedeliverAsync(string tenantId, Guid messageId, CancellationToken cancellationToken = default) =>
        await store.RedeliverAsync(tenantId, messageId, Now(), cancellationToken) ?? throw WebhookErrors.MessageNotFound(tenantId, messageId);

    private (string Url, IReadOnlyList<string> EventTypes, string Description) Validate(WebhookSubscriptionSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var url = spec.Url?.Trim() ?? string.Empty;
        if (url.Length == 0 || url.Length > MaxUrlLength
            || !Uri.TryCreate(url, UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
            || string.IsNullOrEmpty(uri.Host)
            || uri.Fragment.Length > 0)
        {
            throw AllixiosException.Invalid("invalid_webhook_url", $"'{spec.Url}' is not a webhook URL: use an absolute http or https URL without a fragment, up to {MaxUrlLength} characters, e.g. https://example.com/hooks/allixios.");
        }

        var description = spec.Description?.Trim() ?? string.Empty;
        if (description.Length > MaxDescriptionLength)
        {
            throw AllixiosException.Invalid("invalid_description", $"The description has {description.Length} characters; at most {MaxDescriptionLength} are allowed.");
        }

        return (url, catalog.Validate(spec.EventTypes), description);
    }

    private static bool IsJsonObject(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return false;
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.ValueKind == JsonValueKind.Object;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    // PostgreSQL keeps microseconds; what a caller gets back must equal what a later read returns.
    private DateTimeOffset Now()
    {
        var now = time.GetUtcNow();
        return new DateTimeOffset(now.UtcTicks - (now.UtcTicks % 10), TimeSpan.Zero);
    }
}

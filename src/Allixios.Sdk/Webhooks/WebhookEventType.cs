namespace Allixios.Webhooks;

/// <summary>An event type subscriptions may name, with what it means; registered with <c>AddWebhookEventType</c>.</summary>
/// <param name="Name">Lower-case parts joined by <c>.</c> or <c>_</c>, e.g. <c>content.published</c>.</param>
/// <param name="Description">When it is sent, for people choosing what to subscribe to.</param>
public sealed record WebhookEventType(string Name, string Description);

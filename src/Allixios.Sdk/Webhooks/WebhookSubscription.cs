namespace Allixios.Webhooks;

/// <summary>Where a tenant wants its events sent: a URL, the event types, and the secret its messages are signed with.</summary>
/// <param name="Id">The subscription's id.</param>
/// <param name="TenantId">The tenant whose events it receives.</param>
/// <param name="Url">The absolute http or https URL messages are POSTed to.</param>
/// <param name="EventTypes">The event types it receives, distinct and in order.</param>
/// <param name="Secret">The signing secret, <c>whsec_</c> and base64.</param>
/// <param name="Enabled">Whether messages are written and delivered for it; a 410 Gone from its URL disables it.</param>
/// <param name="Description">Free text for people, up to 500 characters.</param>
/// <param name="DisabledReason">Why Allixios disabled it, if it did (e.g. the URL answered 410 Gone).</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="UpdatedAt">When it last changed.</param>
public sealed record WebhookSubscription(
    Guid Id,
    string TenantId,
    string Url,
    IReadOnlyList<string> EventTypes,
    string Secret,
    bool Enabled,
    string Description,
    string? DisabledReason,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

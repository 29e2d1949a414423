namespace Allixios.Webhooks;

/// <summary>What a caller sets on a subscription; <see cref="WebhookClient"/> validates it.</summary>
/// <param name="Url">An absolute http or https URL, up to 2048 characters.</param>
/// <param name="EventTypes">At least one event type of the <see cref="WebhookEventCatalog"/>.</param>
public sealed record WebhookSubscriptionSpec(string Url, IReadOnlyList<string> EventTypes)
{
    /// <summary>Free text for people, up to 500 characters. Default: empty.</summary>
    public string Description { get; init; } = string.Empty;

    /// <summary>Whether it receives messages. Default: true.</summary>
    public bool Enabled { get; init; } = true;
}

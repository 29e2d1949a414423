namespace Allixios.Webhooks;

/// <summary>A page of a tenant's messages, newest first.</summary>
/// <param name="TenantId">The tenant.</param>
public sealed record WebhookMessageQuery(string TenantId)
{
    /// <summary>Only this subscription's messages.</summary>
    public Guid? SubscriptionId { get; init; }

    /// <summary>Only messages in this state.</summary>
    public WebhookMessageState? State { get; init; }

    /// <summary>Only messages older than this position (the last position of the previous page).</summary>
    public long? Before { get; init; }

    /// <summary>The most messages to return. Default: 100.</summary>
    public int Limit { get; init; } = 100;
}

namespace Allixios.Webhooks;

/// <summary>Where a message is in its delivery.</summary>
public enum WebhookMessageState
{
    /// <summary>Not delivered yet: due at its next attempt time (or claimed by a dispatcher until then).</summary>
    Pending,

    /// <summary>Its URL answered 2xx.</summary>
    Delivered,

    /// <summary>Given up: every retry failed, or the URL answered 410 Gone. A redeliver makes it pending again.</summary>
    Failed,
}

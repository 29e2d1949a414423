namespace Allixios.Webhooks;

/// <summary>The errors of webhooks, worded once.</summary>
internal static class WebhookErrors
{
    public static AllixiosException SubscriptionNotFound(string tenantId, Guid subscriptionId) =>
        AllixiosException.NotFound("webhook_subscription_not_found", $"Tenant '{tenantId}' has no webhook subscription {subscriptionId}: check the id.");

    public static AllixiosException MessageNotFound(string tenantId, Guid messageId) =>
        AllixiosException.NotFound("webhook_message_not_found", $"Tenant '{tenantId}' has no webhook message {messageId}: check the id (a message goes when its subscription is deleted).");
}

namespace Allixios.Webhooks;

/// <summary>A message a dispatcher claimed, with where it goes and how to sign it.</summary>
/// <param name="Message">The message.</param>
/// <param name="Url">The subscription's URL.</param>
/// <param name="Secret">The subscription's secret.</param>
/// <param name="ClaimToken">The claim; the attempt is recorded only under it, so a dispatcher whose claim expired records nothing.</param>
public sealed record WebhookDelivery(WebhookMessage Message, string Url, string Secret, Guid ClaimToken);

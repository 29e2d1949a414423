namespace Allixios.Webhooks;

/// <summary>What a dispatcher writes after an attempt: the attempt, and where the message goes next.</summary>
/// <param name="Attempt">The attempt, for the delivery log.</param>
/// <param name="State">The message's state after it.</param>
/// <param name="NextAttemptAt">When it is due again, if still pending.</param>
/// <param name="DisableSubscription">Why to disable its subscription (its URL answered 410 Gone), or <see langword="null"/>.</param>
public sealed record WebhookAttemptRecord(WebhookAttempt Attempt, WebhookMessageState State, DateTimeOffset? NextAttemptAt, string? DisableSubscription);

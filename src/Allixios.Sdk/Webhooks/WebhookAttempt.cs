namespace Allixios.Webhooks;

/// <summary>One delivery attempt of a message, as the delivery log keeps it.</summary>
/// <param name="MessageId">The message.</param>
/// <param name="At">When it started.</param>
/// <param name="StatusCode">The HTTP status, if a response came back.</param>
/// <param name="Duration">How long it took.</param>
/// <param name="ResponseExcerpt">The start of the response body, if any.</param>
/// <param name="Error">What went wrong (a non-2xx status, a timeout, a connection failure), if it failed.</param>
/// <param name="Succeeded">Whether the URL answered 2xx.</param>
public sealed record WebhookAttempt(
    Guid MessageId,
    DateTimeOffset At,
    int? StatusCode,
    TimeSpan Duration,
    string? ResponseExcerpt,
    string? Error,
    bool Succeeded);

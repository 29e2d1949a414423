namespace Allixios.Webhooks;

/// <summary>
/// The names of the events Allixios itself reports. Other capabilities add theirs to the catalog with
/// <c>AddWebhookEventType</c> (e.g. <c>content.published</c>).
/// </summary>
public static class WebhookEventTypes
{
    /// <summary>A job succeeded.</summary>
    public const string JobSucceeded = "job.succeeded";

    /// <summary>An attempt of a job failed and the job will be retried (its <c>error</c> says why).</summary>
    public const string JobFailed = "job.failed";

    /// <summary>A job failed for good: out of attempts, past its deadline, or its lease expired on its last attempt.</summary>
    public const string JobDeadLettered = "job.dead_lettered";

    /// <summary>A job was cancelled, by a caller or because a workflow dependency failed.</summary>
    public const string JobCancelled = "job.cancelled";

    /// <summary>The event a test send delivers to one subscription, whatever it subscribes to.</summary>
    public const string Test = "webhook.test";
}

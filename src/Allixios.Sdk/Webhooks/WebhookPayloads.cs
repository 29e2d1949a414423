using System.Globalization;
using System.Text.Json;
using Allixios.Orchestration;

namespace Allixios.Webhooks;

/// <summary>
/// The JSON of messages, written the way the PostgreSQL functions of migration 0014 write it, so that both stores send
/// the same documents: the Standard Webhooks envelope, and the data of job events.
/// </summary>
internal static class WebhookPayloads
{
    /// <summary><c>{"type", "timestamp", "data"}</c>; the timestamp in UTC with microseconds, as PostgreSQL keeps it.</summary>
    public static string Envelope(string eventType, DateTimeOffset at, string dataJson)
    {
        using var data = JsonDocument.Parse(dataJson);
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WriteString("type", eventType);
            writer.WriteString("timestamp", Timestamp(at));
            writer.WritePropertyName("data");
            data.RootElement.WriteTo(writer);
            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>The event a job's change into <see cref="Job.State"/> reports, or <see langword="null"/> when it reports none.</summary>
    public static string? JobEventType(JobState state) => state switch
    {
        JobState.Succeeded => WebhookEventTypes.JobSucceeded,
        JobState.Retrying => WebhookEventTypes.JobFailed,
        JobState.DeadLettered => WebhookEventTypes.JobDeadLettered,
        JobState.Cancelled => WebhookEventTypes.JobCancelled,
        _ => null,
    };

    /// <summary>A job event's data: the job's id, tenant, type, state, attempt, max attempts, tags, and the error unless it succeeded.</summary>
    public static string JobData(Job job)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WriteString("jobId", job.Id);
            writer.WriteString("tenantId", job.TenantId);
            writer.WriteString("jobType", job.Type);
            writer.WriteString("state", JobStates.ToName(job.State));
            writer.WriteNumber("attempt", job.Attempt);
            writer.WriteNumber("maxAttempts", job.MaxAttempts);
            writer.WriteStartArray("tags");
            foreach (var tag in job.Tags)
            {
                writer.WriteStringValue(tag);
            }

            writer.WriteEndArray();
            if (job.State != JobState.Succeeded && job.LastError is { } error)
            {
                writer.WriteString("error", error);
            }
            else
            {
                writer.WriteNull("error");
            }

            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    private static string Timestamp(DateTimeOffset at) =>
        new DateTimeOffset(at.UtcTicks - (at.UtcTicks % 10), TimeSpan.Zero).ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
}

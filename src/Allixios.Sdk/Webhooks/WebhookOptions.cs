using System.ComponentModel.DataAnnotations;

namespace Allixios.Webhooks;

/// <summary>How webhooks are delivered, under <c>Allixios:Webhooks</c>.</summary>
public sealed class WebhookOptions : IValidatableObject
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Allixios:Webhooks";

    /// <summary>Whether this process runs the dispatcher that delivers messages. Any number of replicas may. Default: true.</summary>
    public bool RunDispatcher { get; set; } = true;

    /// <summary>How often an idle dispatcher looks for due messages; a message goes out at most this late. Default: 1 s. Range: 50 ms to 1 min.</summary>
    [Range(typeof(TimeSpan), "00:00:00.05", "00:01:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How many due messages one pass claims. Default: 50. Range: 1 to 1000.</summary>
    [Range(1, 1000)]
    public int BatchSize { get; set; } = 50;

    /// <summary>How many deliveries one dispatcher has in flight at once. Default: 8. Range: 1 to 256.</summary>
    [Range(1, 256)]
    public int MaxConcurrency { get; set; } = 8;

    /// <summary>How long a receiver has to answer an attempt before it counts as failed. Default: 15 s. Range: 1 s to 2 min.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:02:00")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// The waits before each retry after a failed attempt: the first entry after the first failure, and so on; the message
    /// fails for good when the schedule is used up. Each wait is lengthened by up to <see cref="Jitter"/> at random, so
    /// that receivers recovering from an outage are not all retried at once. Empty (the default) means
    /// <see cref="DefaultRetrySchedule"/>; configuration replaces it rather than adding to it. Each entry 1 s to 1 day, at
    /// most 50 entries.
    /// </summary>
    public IList<TimeSpan> RetrySchedule { get; } = [];

    /// <summary>5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h: eight attempts over about 27.6 hours, as other webhook senders do.</summary>
    public static IReadOnlyList<TimeSpan> DefaultRetrySchedule { get; } =
    [
        TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30), TimeSpan.FromHours(2),
        TimeSpan.FromHours(5), TimeSpan.FromHours(10), TimeSpan.FromHours(10),
    ];

    /// <summary>The schedule in effect: <see cref="RetrySchedule"/>, or <see cref="DefaultRetrySchedule"/> when it is empty.</summary>
    public IReadOnlyList<TimeSpan> EffectiveRetrySchedule => RetrySchedule.Count > 0 ? [.. RetrySchedule] : DefaultRetrySchedule;

    /// <summary>The largest random fraction added to a retry's wait. Default: 0.2 (up to 20% later). Range: 0 to 1.</summary>
    [Range(0.0, 1.0)]
    public double Jitter { get; set; } = 0.2;

    /// <summary>How many characters of a response body the delivery log keeps. Default: 1000. Range: 0 to 10000.</summary>
    [Range(0, 10_000)]
    public int ResponseExcerptLength { get; set; } = 1000;

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (RetrySchedule.Count > 50)
        {
            yield return new ValidationResult($"RetrySchedule has {RetrySchedule.Count} entries; at most 50 are allowed.", [nameof(RetrySchedule)]);
        }

        foreach (var wait in RetrySchedule)
        {
            if (wait < TimeSpan.FromSeconds(1) || wait > TimeSpan.FromDays(1))
            {
                yield return new ValidationResult($"RetrySchedule entry {wait} is out of range: each wait must be 1 s to 1 day.", [nameof(RetrySchedule)]);
            }
        }
    }
}

using System.ComponentModel.DataAnnotations;

namespace Allixios.Usage;

/// <summary>Settings of budgets, the usage ledger and rate limits, bound from <c>Allixios:Usage</c>.</summary>
public sealed class UsageOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "Allixios:Usage";

    /// <summary>How long a reservation holds its money when the caller names no expiry; one never settled is then freed. Default: 15 min. Range: 1 s to 7 days.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan DefaultReservationHold { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How often lapsed reservations are freed (the hosted sweeper). Default: 30 s. Range: 100 ms to 1 h.</summary>
    [Range(typeof(TimeSpan), "00:00:00.1", "01:00:00")]
    public TimeSpan ExpirySweepInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How many lapsed reservations one sweep statement frees. Default: 1000. Range: 1 to 100000.</summary>
    [Range(1, 100_000)]
    public int ExpirySweepBatchSize { get; set; } = 1000;

    /// <summary>
    /// How long usage ledger entries are kept; older ones are deleted every <see cref="LedgerRetentionInterval"/>.
    /// Default: 400 days (a year of monthly analytics, compared with the same month a year before). Range: 1 day to 10 years.
    /// </summary>
    [Range(typeof(TimeSpan), "1.00:00:00", "3650.00:00:00")]
    public TimeSpan LedgerRetention { get; set; } = TimeSpan.FromDays(400);

    /// <summary>How often usage ledger entries older than <see cref="LedgerRetention"/> are deleted. Default: 1 h. Range: 1 s to 1 day.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan LedgerRetentionInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// The most entries the in-memory ledger (the embedded default, without <c>UsePostgres</c>) keeps: recording one more
    /// drops the oldest, so a long-running process does not grow without bound. Analytics then cover the entries kept.
    /// Default: 100,000 (some 30 MB). Range: 1 to 10,000,000.
    /// </summary>
    [Range(1, 10_000_000)]
    public int InMemoryLedgerCapacity { get; set; } = 100_000;

    /// <summary>
    /// Where rate-limit counters live: <c>auto</c> (Redis when <c>UseRedis</c> is called, else PostgreSQL when
    /// <c>UsePostgres</c> is, else this process's memory), <c>redis</c>, <c>postgres</c> or <c>memory</c>. Default: <c>auto</c>.
    /// </summary>
    [RegularExpression("^(auto|redis|postgres|memory)$")]
    public string RateLimitStore { get; set; } = "auto";

    /// <summary>
    /// Rate limits per resource (e.g. an AI provider's name), shared by every replica. A resource not listed is not
    /// limited. Default: none.
    /// </summary>
    public Dictionary<string, ResourceRateLimit> RateLimits { get; } = new(StringComparer.Ordinal);
}

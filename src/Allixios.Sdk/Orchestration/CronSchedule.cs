namespace Allixios.Orchestration;

/// <summary>A recurring job: at each fire time of <paramref name="Expression"/> in <paramref name="TimeZone"/>, a job is enqueued from <paramref name="Job"/>.</summary>
/// <param name="Id">Its id.</param>
/// <param name="TenantId">The tenant it belongs to; its jobs are this tenant's.</param>
/// <param name="Name">Its name, unique within the tenant.</param>
/// <param name="Expression">A cron expression (Cronos syntax): five fields, or six with seconds first, or a macro such as <c>@daily</c>.</param>
/// <param name="TimeZone">The IANA time zone its fire times are in, e.g. <c>Europe/Berlin</c>; daylight saving is honoured.</param>
/// <param name="Job">The template of each job it enqueues (no delay, deadline or idempotency key: each fire's key is its own).</param>
/// <param name="Enabled">Whether it fires; a disabled schedule keeps its settings.</param>
/// <param name="Misfire">What it does about fire times it missed.</param>
/// <param name="MaxMissedFires">With <see cref="CronMisfirePolicy.FireAll"/>, the most missed fire times it catches up on.</param>
/// <param name="LastFireAt">The fire time of the last job it enqueued, or none.</param>
/// <param name="NextFireAt">Its next fire time; none when disabled or when the expression has no further occurrence.</param>
/// <param name="LastError">Why its last fire enqueued nothing (e.g. its job type is no longer registered), or none.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="UpdatedAt">When it last changed (settings or fires).</param>
public sealed record CronSchedule(
    Guid Id,
    string TenantId,
    string Name,
    string Expression,
    string TimeZone,
    NewJob Job,
    bool Enabled,
    CronMisfirePolicy Misfire,
    int MaxMissedFires,
    DateTimeOffset? LastFireAt,
    DateTimeOffset? NextFireAt,
    string? LastError,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

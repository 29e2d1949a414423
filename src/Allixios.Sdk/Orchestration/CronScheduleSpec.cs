namespace Allixios.Orchestration;

/// <summary>A cron schedule as a caller describes it, to create or replace one; <see cref="CronScheduleClient"/> validates it.</summary>
/// <param name="Name">Unique within the tenant, 1 to 100 characters.</param>
/// <param name="Expression">A cron expression: five fields (minute hour day month weekday), six with seconds first, or a macro such as <c>@hourly</c>.</param>
/// <param name="Job">The job to enqueue at each fire time: a registered type and a payload valid against its schema; no delay, deadline or idempotency key.</param>
public sealed record CronScheduleSpec(string Name, string Expression, NewJob Job)
{
    /// <summary>The IANA time zone of the expression, e.g. <c>America/New_York</c>. Default: <c>UTC</c>.</summary>
    public string TimeZone { get; init; } = "UTC";

    /// <summary>Whether the schedule fires. Default: <see langword="true"/>.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>What to do about missed fire times. Default: <see cref="CronMisfirePolicy.FireOnce"/>.</summary>
    public CronMisfirePolicy Misfire { get; init; } = CronMisfirePolicy.FireOnce;

    /// <summary>With <see cref="CronMisfirePolicy.FireAll"/>, the most missed fire times caught up on, 1 to 1000. Default: 100.</summary>
    public int MaxMissedFires { get; init; } = 100;
}

using System.ComponentModel.DataAnnotations;

namespace Allixios.Orchestration;

/// <summary>How the cron scheduler runs, under <c>Allixios:Orchestration:Cron</c>.</summary>
public sealed class CronOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Allixios:Orchestration:Cron";

    /// <summary>Whether this process runs the scheduler that enqueues due schedules' jobs. Any number of replicas may. Default: true.</summary>
    public bool RunScheduler { get; set; } = true;

    /// <summary>How often the scheduler looks for due schedules; a job is enqueued at most this late. Default: 1 s. Range: 50 ms to 1 min.</summary>
    [Range(typeof(TimeSpan), "00:00:00.05", "00:01:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How late a fire may be and still count as on time, for <see cref="CronMisfirePolicy.Skip"/>. Default: 1 min. Range: 0 to 1 day.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan MisfireThreshold { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How many due schedules one pass of the scheduler handles. Default: 100. Range: 1 to 10000.</summary>
    [Range(1, 10_000)]
    public int BatchSize { get; set; } = 100;
}

namespace Allixios.Orchestration;

/// <summary>What a cron schedule does about fire times it missed (the scheduler was down, or the schedule was due while no replica ran).</summary>
public enum CronMisfirePolicy
{
    /// <summary>Enqueue one job for the latest missed fire time, then go on as scheduled. The default.</summary>
    FireOnce,

    /// <summary>Enqueue nothing for a fire time older than <see cref="CronOptions.MisfireThreshold"/>; go on from the next one.</summary>
    Skip,

    /// <summary>Enqueue a job for each missed fire time, the latest <see cref="CronSchedule.MaxMissedFires"/> of them at most.</summary>
    FireAll,
}

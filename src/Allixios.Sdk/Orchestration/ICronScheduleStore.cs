namespace Allixios.Orchestration;

/// <summary>
/// Where cron schedules are kept: in memory in the embedded default, in PostgreSQL in production. Callers validate first
/// (<see cref="CronScheduleClient"/> does). Several schedulers may share a store: <see cref="TryAdvanceAsync"/> is a
/// compare-and-set, so only one of them moves a schedule past a fire time.
/// </summary>
public interface ICronScheduleStore
{
    /// <summary>Adds a schedule.</summary>
    /// <exception cref="AllixiosException">AlreadyExists when the tenant has a schedule of that name.</exception>
    ValueTask CreateAsync(CronSchedule schedule, CancellationToken cancellationToken = default);

    /// <summary>The schedule, or <see langword="null"/> when the tenant has no such schedule.</summary>
    ValueTask<CronSchedule?> GetAsync(string tenantId, Guid scheduleId, CancellationToken cancellationToken = default);

    /// <summary>The tenant's schedules, by name.</summary>
    ValueTask<IReadOnlyList<CronSchedule>> ListAsync(string tenantId, CancellationToken cancellationToken = default);

    /// <summary>Replaces the schedule's settings and next fire time with <paramref name="schedule"/>'s (its last fire stays as the scheduler left it); <see langword="false"/> when the tenant has no such schedule.</summary>
    /// <exception cref="AllixiosException">AlreadyExists when another schedule of the tenant has the new name.</exception>
    ValueTask<bool> UpdateAsync(CronSchedule schedule, CancellationToken cancellationToken = default);

    /// <summary>Deletes the schedule (not the jobs it enqueued); <see langword="false"/> when the tenant has no such schedule.</summary>
    ValueTask<bool> DeleteAsync(string tenantId, Guid scheduleId, CancellationToken cancellationToken = default);

    /// <summary>Enabled schedules of every tenant whose next fire time is at or before <paramref name="now"/>, earliest first, at most <paramref name="maxSchedules"/>.</summary>
    ValueTask<IReadOnlyList<CronSchedule>> ListDueAsync(DateTimeOffset now, int maxSchedules, CancellationToken cancellationToken = default);

    /// <summary>
    /// Moves the schedule past its fires, only if its next fire time is still <paramref name="expectedNextFireAt"/> (no
    /// other scheduler moved it meanwhile, and nobody changed it). Returns whether it did.
    /// </summary>
    ValueTask<bool> TryAdvanceAsync(string tenantId, Guid scheduleId, DateTimeOffset expectedNextFireAt, DateTimeOffset? lastFireAt, DateTimeOffset? nextFireAt, string? lastError, DateTimeOffset now, CancellationToken cancellationToken = default);
}

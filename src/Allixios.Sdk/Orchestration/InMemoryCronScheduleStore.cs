namespace Allixios.Orchestration;

/// <summary>The embedded default <see cref="ICronScheduleStore"/>: schedules in process memory, with the PostgreSQL store's semantics (one conformance suite).</summary>
public sealed class InMemoryCronScheduleStore : ICronScheduleStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<Guid, CronSchedule> _schedules = [];

    /// <inheritdoc />
    public ValueTask CreateAsync(CronSchedule schedule, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        lock (_gate)
        {
            if (_schedules.Values.Any(s => s.TenantId == schedule.TenantId && s.Name == schedule.Name))
            {
                throw CronScheduleErrors.NameTaken(schedule.TenantId, schedule.Name);
            }

            if (!_schedules.TryAdd(schedule.Id, schedule))
            {
                throw new ArgumentException($"Cron schedule {schedule.Id} exists already.", nameof(schedule));
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<CronSchedule?> GetAsync(string tenantId, Guid scheduleId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return ValueTask.FromResult(Find(tenantId, scheduleId));
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<CronSchedule>> ListAsync(string tenantId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            IReadOnlyList<CronSchedule> list = [.. _schedules.Values.Where(s => s.TenantId == tenantId).OrderBy(s => s.Name, StringComparer.Ordinal)];
            return ValueTask.FromResult(list);
        }
    }

    /// <inheritdoc />
    public ValueTask<bool> UpdateAsync(CronSchedule schedule, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        lock (_gate)
        {
            if (Find(schedule.TenantId, schedule.Id) is not { } current)
            {
                return ValueTask.FromResult(false);
            }

            if (_schedules.Values.Any(s => s.TenantId == schedule.TenantId && s.Name == schedule.Name && s.Id != schedule.Id))
            {
                throw CronScheduleErrors.NameTaken(schedule.TenantId, schedule.Name);
            }

            _schedules[schedule.Id] = schedule with { CreatedAt = current.CreatedAt, LastFireAt = current.LastFireAt, LastError = current.LastError };
            return ValueTask.FromResult(true);
        }
    }

    /// <inheritdoc />
    public ValueTask<bool> DeleteAsync(string tenantId, Guid scheduleId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return ValueTask.FromResult(Find(tenantId, scheduleId) is not null && _schedules.Remove(scheduleId));
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<CronSchedule>> ListDueAsync(DateTimeOffset now, int maxSchedules, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            IReadOnlyList<CronSchedule> due = [.. _schedules.Values
                .Where(s => s.Enabled && s.NextFireAt <= now)
                .OrderBy(s => s.NextFireAt)
                .ThenBy(s => s.Id)
                .Take(maxSchedules)];
            return ValueTask.FromResult(due);
        }
    }

    /// <inheritdoc />
    public ValueTask<bool> TryAdvanceAsync(string tenantId, Guid scheduleId, DateTimeOffset expectedNextFireAt, DateTimeOffset? lastFireAt, DateTimeOffset? nextFireAt, string? lastError, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (Find(tenantId, scheduleId) is not { } current || current.NextFireAt != expectedNextFireAt)
            {
                return ValueTask.FromResult(false);
            }

            _schedules[scheduleId] = current with { LastFireAt = lastFireAt ?? current.LastFireAt, NextFireAt = nextFireAt, LastError = lastError, UpdatedAt = now };
            return ValueTask.FromResult(true);
        }
    }

    private CronSchedule? Find(string tenantId, Guid scheduleId) =>
        _schedules.TryGetValue(scheduleId, out var schedule) && schedule.TenantId == tenantId ? schedule : null;
}

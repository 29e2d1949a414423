using Allixios.Tenancy;

namespace Allixios.Orchestration;

/// <summary>
/// Creates, reads, replaces and deletes a tenant's cron schedules, validating every input first: a request that fails
/// validation changes nothing and says what to fix. <see cref="CronScheduleRunner"/> fires them.
/// </summary>
public sealed class CronScheduleClient(ICronScheduleStore store, JobClient jobs, TimeProvider time)
{
    private const int MaxNameLength = 100;

    /// <summary>Creates a schedule for <paramref name="tenantId"/>; its first fire time is the expression's next occurrence from now.</summary>
    /// <exception cref="AllixiosException">
    /// InvalidArgument: a bad name, an invalid cron expression (with Cronos's message), an unknown time zone, an unknown
    /// job type, a payload the type's schema rejects, a delay, deadline or idempotency key in the job, or a cap out of
    /// range. AlreadyExists: the tenant has a schedule of that name.
    /// </exception>
    public async ValueTask<CronSchedule> CreateAsync(string tenantId, CronScheduleSpec spec, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var schedule = await BuildAsync(tenantId, Guid.CreateVersion7(now), spec, now, now, cancellationToken);
        await store.CreateAsync(schedule, cancellationToken);
        return schedule;
    }

    /// <summary>The schedule.</summary>
    /// <exception cref="AllixiosException">NotFound when the tenant has no such schedule.</exception>
    public async ValueTask<CronSchedule> GetAsync(string tenantId, Guid scheduleId, CancellationToken cancellationToken = default)
    {
        TenantIds.Validate(tenantId);
        return await store.GetAsync(tenantId, scheduleId, cancellationToken) ?? throw CronScheduleErrors.NotFound(tenantId, scheduleId);
    }

    /// <summary>The tenant's schedules, by name.</summary>
    public ValueTask<IReadOnlyList<CronSchedule>> ListAsync(string tenantId, CancellationToken cancellationToken = default)
    {
        TenantIds.Validate(tenantId);
        return store.ListAsync(tenantId, cancellationToken);
    }

    /// <summary>Replaces the schedule's settings; its next fire time is computed afresh from now (none while disabled).</summary>
    /// <exception cref="AllixiosException">As <see cref="CreateAsync"/>, and NotFound when the tenant has no such schedule.</exception>
    public async ValueTask<CronSchedule> UpdateAsync(string tenantId, Guid scheduleId, CronScheduleSpec spec, CancellationToken cancellationToken = default)
    {
        var current = await GetAsync(tenantId, scheduleId, cancellationToken);
        var now = time.GetUtcNow();
        var schedule = await BuildAsync(tenantId, scheduleId, spec, current.CreatedAt, now, cancellationToken);
        if (!await store.UpdateAsync(schedule, cancellationToken))
        {
            throw CronScheduleErrors.NotFound(tenantId, scheduleId);
        }

        return await GetAsync(tenantId, scheduleId, cancellationToken);
    }

    /// <summary>Deletes the schedule; the jobs it enqueued stay.</summary>
    /// <exception cref="AllixiosException">NotFound when the tenant has no such schedule.</exception>
    public async ValueTask DeleteAsync(string tenantId, Guid scheduleId, CancellationToken cancellationToken = default)
    {
        TenantIds.Validate(tenantId);
        if (!await store.DeleteAsync(tenantId, scheduleId, cancellationToken))
        {
            throw CronScheduleErrors.NotFound(tenantId, scheduleId);
        }
    }

    private async ValueTask<CronSchedule> BuildAsync(string tenantId, Guid id, CronScheduleSpec spec, DateTimeOffset createdAt, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        TenantIds.Validate(tenantId);
        if (string.IsNullOrWhiteSpace(spec.Name) || spec.Name.Length > MaxNameLength)
        {
            throw AllixiosException.Invalid("invalid_cron_schedule_name", $"A cron schedule's name must be 1 to {MaxNameLength} characters and not blank.");
        }

        var expression = CronTiming.Parse(spec.Expression);
        var zone = CronTiming.FindZone(spec.TimeZone);
        if (spec.Job is null)
        {
            throw AllixiosException.Invalid("invalid_cron_job", "A cron schedule needs the job to enqueue: its type and payload.");
        }

        if (spec.Job.Delay is not null || spec.Job.Deadline is not null || spec.Job.IdempotencyKey is not null)
        {
            throw AllixiosException.Invalid("invalid_cron_job", "A cron schedule's job takes no delay, deadline or idempotency key: the schedule says when it runs, and each fire gets its own key.");
        }

        // The same checks as an enqueue, so a schedule never holds a job that could not be enqueued.
        await jobs.ValidateAsync(tenantId, spec.Job, cancellationToken);
        if (spec.MaxMissedFires is < 1 or > 1000)
        {
            throw AllixiosException.Invalid("invalid_max_missed_fires", $"Max missed fires {spec.MaxMissedFires} is out of range: use 1 to 1000.");
        }

        if (!Enum.IsDefined(spec.Misfire))
        {
            throw AllixiosException.Invalid("invalid_misfire_policy", "Unknown misfire policy: use fire_once, skip or fire_all.");
        }

        var next = spec.Enabled ? expression.GetNextOccurrence(now, zone) : null;
        return new CronSchedule(id, tenantId, spec.Name, spec.Expression.Trim(), zone.Id, spec.Job, spec.Enabled, spec.Misfire, spec.MaxMissedFires, LastFireAt: null, next, LastError: null, createdAt, now);
    }
}

using Allixios.Diagnostics;
using Cronos;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Allixios.Orchestration;

/// <summary>
/// Fires due cron schedules: for each, enqueues the jobs of its due fire times (as its misfire policy says) and moves it
/// to its next fire time. Any number of runners, in any number of processes, may share one store and queue: each fire's
/// job has the idempotency key <c>cron:&lt;schedule id&gt;:&lt;fire time in Unix seconds&gt;</c>, so a fire time that two
/// runners handle at once is enqueued once (the second gets the first's job back), and the store's compare-and-set on
/// the next fire time lets only one of them move the schedule on.
/// </summary>
public sealed partial class CronScheduleRunner(
    ICronScheduleStore store,
    JobClient jobs,
    IOptions<CronOptions> options,
    TimeProvider time,
    ILogger<CronScheduleRunner>? logger = null)
{
    private readonly ILogger _logger = logger ?? NullLogger<CronScheduleRunner>.Instance;

    /// <summary>The idempotency key of the job that <paramref name="schedule"/> enqueues for <paramref name="fireAt"/>.</summary>
    public static string IdempotencyKey(CronSchedule schedule, DateTimeOffset fireAt)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        return $"cron:{schedule.Id:N}:{fireAt.ToUnixTimeSeconds()}";
    }

    /// <summary>Fires every schedule due now (up to <see cref="CronOptions.BatchSize"/>). Returns how many jobs it enqueued.</summary>
    public async ValueTask<int> RunDueAsync(CancellationToken cancellationToken = default)
    {
        var settings = options.Value;
        var now = time.GetUtcNow();
        var enqueued = 0;
        foreach (var schedule in await store.ListDueAsync(now, settings.BatchSize, cancellationToken))
        {
            enqueued += await FireAsync(schedule, now, settings, cancellationToken);
        }

        return enqueued;
    }

    private async ValueTask<int> FireAsync(CronSchedule schedule, DateTimeOffset now, CronOptions settings, CancellationToken cancellationToken)
    {
        var due = schedule.NextFireAt!.Value;
        CronExpression expression;
        TimeZoneInfo zone;
        try
        {
            expression = CronTiming.Parse(schedule.Expression);
            zone = CronTiming.FindZone(schedule.TimeZone);
        }
        catch (AllixiosException e)
        {
            // Validated when saved; a time zone can still vanish from the host's database. Stop firing and say why.
            await store.TryAdvanceAsync(schedule.TenantId, schedule.Id, due, lastFireAt: null, nextFireAt: null, e.Message, now, cancellationToken);
            return 0;
        }

        var enqueued = 0;
        DateTimeOffset? lastFire = null;
        string? lastError = null;
        var fireTimes = FireTimes(schedule, expression, zone, due, now, settings.MisfireThreshold, out var skipped);
        if (skipped > 0)
        {
            AllixiosTelemetry.CronFires.Add(skipped, new KeyValuePair<string, object?>("outcome", "skipped"));
        }

        foreach (var fireAt in fireTimes)
        {
            string outcome;
            try
            {
                var result = await jobs.EnqueueAsync(schedule.TenantId, schedule.Job with { IdempotencyKey = IdempotencyKey(schedule, fireAt) }, cancellationToken);
                enqueued += result.Created ? 1 : 0;
                lastFire = fireAt;
                outcome = result.Created ? "enqueued" : "duplicate";
                if (result.Created)
                {
                    AllixiosTelemetry.CronFireLag.Record((time.GetUtcNow() - fireAt).TotalSeconds);
                }
            }
            catch (AllixiosException e) when (e.Kind == AllixiosErrorKind.InvalidArgument)
            {
                // The job type or its schema changed since the schedule was saved: this fire is lost, and the schedule says why.
                lastError = $"The job for fire time {fireAt:O} was not enqueued: {e.Message}";
                LogFireRejected(schedule.Id, schedule.TenantId, lastError);
                outcome = "rejected";
            }

            AllixiosTelemetry.CronFires.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
        }

        var next = expression.GetNextOccurrence(now, zone);
        await store.TryAdvanceAsync(schedule.TenantId, schedule.Id, due, lastFire, next, lastError, now, cancellationToken);
        return enqueued;
    }

    // Fire times from the schedule's due time up to now: those within the misfire threshold of now are on time and always
    // fire; older ones were missed, and the policy decides. Skipped counts the missed ones it dropped.
    private static List<DateTimeOffset> FireTimes(CronSchedule schedule, CronExpression expression, TimeZoneInfo zone, DateTimeOffset due, DateTimeOffset now, TimeSpan threshold, out int skipped)
    {
        var occurrences = 0;
        var onTime = new List<DateTimeOffset>();
        var missed = new Queue<DateTimeOffset>();
        var keepMissed = schedule.Misfire == CronMisfirePolicy.FireAll ? schedule.MaxMissedFires : 1;
        foreach (var occurrence in expression.GetOccurrences(due, now, zone, fromInclusive: true, toInclusive: true))
        {
            occurrences++;
            if (now - occurrence <= threshold)
            {
                onTime.Add(occurrence);
            }
            else
            {
                missed.Enqueue(occurrence);
                if (missed.Count > keepMissed)
                {
                    missed.Dequeue();
                }
            }
        }

        List<DateTimeOffset> fire = schedule.Misfire switch
        {
            CronMisfirePolicy.Skip => onTime,
            CronMisfirePolicy.FireOnce => onTime.Count > 0 ? onTime : [.. missed],
            _ => [.. missed, .. onTime],
        };
        skipped = occurrences - fire.Count;
        return fire;
    }

    [LoggerMessage(EventId = 2101, EventName = "CronFireRejected", Level = LogLevel.Warning, Message = "Cron schedule {ScheduleId} of tenant {TenantId} enqueued nothing: {Reason}")]
    private partial void LogFireRejected(Guid scheduleId, string tenantId, string reason);
}

using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Allixios.Diagnostics;
using Allixios.Orchestration;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Allixios.Testing.Orchestration;

/// <summary>
/// The contract of <see cref="ICronScheduleStore"/>, with <see cref="CronScheduleClient"/>'s validation in front of it
/// and <see cref="CronScheduleRunner"/> firing its schedules into a queue; derive once per store implementation.
/// </summary>
public abstract class CronScheduleConformance : IAsyncLifetime
{
    /// <summary>The moment each test starts at: 12:00 UTC, 13:00 in Berlin.</summary>
    protected static readonly DateTimeOffset T0 = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private const string TenantA = "tenant-a";
    private const string TenantB = "tenant-b";
    private const string Digest = "content.digest";

    private ICronScheduleStore? _store;
    private IJobQueue? _queue;

    /// <summary>The clock of everything under test.</summary>
    protected FakeTimeProvider Time { get; } = new(T0);

    private ICronScheduleStore Store => _store ?? throw new InvalidOperationException("Created in InitializeAsync.");

    private IJobQueue Queue => _queue ?? throw new InvalidOperationException("Created in InitializeAsync.");

    private JobClient Jobs => new(
        Queue,
        new JobTypeRegistry([new JobTypeRegistration(Digest, """{"type":"object","required":["topic"],"properties":{"topic":{"type":"string"}}}""")]),
        Options.Create(new OrchestrationOptions()),
        Time);

    private CronScheduleClient Client => new(Store, Jobs, Time);

    /// <summary>Creates a fresh, empty store.</summary>
    protected abstract Task<ICronScheduleStore> CreateStoreAsync();

    /// <summary>Creates a fresh, empty queue of the same kind, for the jobs the schedules enqueue.</summary>
    protected abstract Task<IJobQueue> CreateQueueAsync(TimeProvider time);

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        _store = await CreateStoreAsync();
        _queue = await CreateQueueAsync(Time);
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_queue is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_schedule_reads_back_with_its_first_fire_time_in_its_time_zone()
    {
        var created = await Client.CreateAsync(TenantA, new CronScheduleSpec("morning-digest", "0 9 * * *", new NewJob(Digest, """{"topic":"news"}""")
        {
            Priority = 7,
            Tags = ["digest"],
            MaxAttempts = 3,
            Timeout = TimeSpan.FromMinutes(2),
            EstimatedCost = 0.5m,
            Resource = "openai",
        })
        {
            TimeZone = "Europe/Berlin",
            Misfire = CronMisfirePolicy.FireAll,
            MaxMissedFires = 12,
        });

        // 09:00 in Berlin (UTC+1 in March before daylight saving) is 08:00 UTC, the next day as it is 13:00 there now.
        Assert.Equal(new DateTimeOffset(2025, 3, 2, 8, 0, 0, TimeSpan.Zero), created.NextFireAt);
        var read = await Client.GetAsync(TenantA, created.Id);
        Assert.Equal(created.Id, read.Id);
        Assert.Equal("morning-digest", read.Name);
        Assert.Equal("0 9 * * *", read.Expression);
        Assert.Equal("Europe/Berlin", read.TimeZone);
        Assert.Equal(Digest, read.Job.Type);
        Assert.Equal(7, read.Job.Priority);
        Assert.Equal(["digest"], read.Job.Tags);
        Assert.Equal(3, read.Job.MaxAttempts);
        Assert.Equal(TimeSpan.FromMinutes(2), read.Job.Timeout);
        Assert.Equal(0.5m, read.Job.EstimatedCost);
        Assert.Equal("openai", read.Job.Resource);
        Assert.True(read.Enabled);
        Assert.Equal(CronMisfirePolicy.FireAll, read.Misfire);
        Assert.Equal(12, read.MaxMissedFires);
        Assert.Equal(created.NextFireAt, read.NextFireAt);
        Assert.Null(read.LastFireAt);
        Assert.Equal(T0, read.CreatedAt);
    }

    [Fact]
    public async Task An_expression_with_seconds_fires_at_its_seconds()
    {
        var created = await Client.CreateAsync(TenantA, Spec("every-half-minute", "*/30 * * * * *"));

        Assert.Equal(T0.AddSeconds(30), created.NextFireAt);
    }

    [Fact]
    public async Task Names_are_unique_within_a_tenant_and_schedules_are_invisible_to_other_tenants()
    {
        var a = await Client.CreateAsync(TenantA, Spec("hourly", "@hourly"));
        await Client.CreateAsync(TenantB, Spec("hourly", "@hourly"));

        var taken = await Assert.ThrowsAsync<AllixiosException>(async () => await Client.CreateAsync(TenantA, Spec("hourly", "@daily")));
        Assert.Equal(AllixiosErrorKind.AlreadyExists, taken.Kind);
        Assert.Contains("'hourly'", taken.Message, StringComparison.Ordinal);
        Assert.Equal(AllixiosErrorKind.NotFound, (await Assert.ThrowsAsync<AllixiosException>(async () => await Client.GetAsync(TenantB, a.Id))).Kind);
        Assert.Equal(AllixiosErrorKind.NotFound, (await Assert.ThrowsAsync<AllixiosException>(async () => await Client.DeleteAsync(TenantB, a.Id))).Kind);
        Assert.Equal(["hourly"], (await Client.ListAsync(TenantA)).Select(s => s.Name));
        Assert.Single(await Client.ListAsync(TenantB));
    }

    [Fact]
    public async Task Updating_a_schedule_recomputes_its_next_fire_time_and_disabling_it_stops_it()
    {
        var created = await Client.CreateAsync(TenantA, Spec("report", "0 * * * *"));
        Time.Advance(TimeSpan.FromMinutes(10));

        var updated = await Client.UpdateAsync(TenantA, created.Id, Spec("report-daily", "30 12 * * *"));
        Assert.Equal("report-daily", updated.Name);
        Assert.Equal(T0.AddMinutes(30), updated.NextFireAt);
        Assert.Equal(T0, updated.CreatedAt);

        var disabled = await Client.UpdateAsync(TenantA, created.Id, Spec("report-daily", "30 12 * * *") with { Enabled = false });
        Assert.False(disabled.Enabled);
        Assert.Null(disabled.NextFireAt);
        Time.Advance(TimeSpan.FromHours(1));
        Assert.Empty(await Store.ListDueAsync(Time.GetUtcNow(), 10));
        Assert.Equal(0, await Runner().RunDueAsync());

        await Client.DeleteAsync(TenantA, created.Id);
        Assert.Empty(await Client.ListAsync(TenantA));
        Assert.Equal(AllixiosErrorKind.NotFound, (await Assert.ThrowsAsync<AllixiosException>(async () => await Client.UpdateAsync(TenantA, created.Id, Spec("x", "@daily")))).Kind);
    }

    [Fact]
    public async Task A_due_schedule_enqueues_its_job_once_and_moves_to_its_next_fire_time()
    {
        var schedule = await Client.CreateAsync(TenantA, Spec("minutely", "* * * * *") with { Job = new NewJob(Digest, """{"topic":"t"}""") { Priority = 8, Tags = ["cron"] } });
        Assert.Equal(0, await Runner().RunDueAsync());

        Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, await Runner().RunDueAsync());
        Assert.Equal(0, await Runner().RunDueAsync());

        var job = Assert.Single(await Queue.ListAsync(new JobQuery(TenantA)));
        Assert.Equal(Digest, job.Type);
        Assert.Equal(8, job.Priority);
        Assert.Equal(["cron"], job.Tags);
        Assert.Equal(CronScheduleRunner.IdempotencyKey(schedule, T0.AddMinutes(1)), job.IdempotencyKey);
        var fired = await Client.GetAsync(TenantA, schedule.Id);
        Assert.Equal(T0.AddMinutes(1), fired.LastFireAt);
        Assert.Equal(T0.AddMinutes(2), fired.NextFireAt);
        Assert.Null(fired.LastError);
    }

    [Fact]
    public async Task Several_runners_firing_at_once_enqueue_each_fire_time_exactly_once()
    {
        await Client.CreateAsync(TenantA, Spec("every-second", "* * * * * *"));
        await Client.CreateAsync(TenantB, Spec("every-two-seconds", "*/2 * * * * *"));
        var runners = Enumerable.Range(0, 4).Select(_ => Runner()).ToList();

        for (var second = 0; second < 10; second++)
        {
            Time.Advance(TimeSpan.FromSeconds(1));
            await Task.WhenAll(runners.Select(r => Task.Run(async () => await r.RunDueAsync())));
        }

        var a = await Queue.ListAsync(new JobQuery(TenantA));
        var b = await Queue.ListAsync(new JobQuery(TenantB));
        Assert.Equal(10, a.Count);
        Assert.Equal(10, a.Select(j => j.IdempotencyKey).Distinct().Count());
        Assert.Equal(5, b.Count);
    }

    [Theory]
    [InlineData(CronMisfirePolicy.FireOnce, 0)]
    [InlineData(CronMisfirePolicy.Skip, 0)]
    [InlineData(CronMisfirePolicy.FireAll, 5)]
    public async Task After_an_hour_without_a_scheduler_the_on_time_fire_runs_and_the_policy_decides_about_the_missed_ones(CronMisfirePolicy policy, int missedFired)
    {
        var schedule = await Client.CreateAsync(TenantA, Spec("minutely", "* * * * *") with { Misfire = policy, MaxMissedFires = 5 });

        // The scheduler comes back 5 s after the 13:00 fire: that one is on time, the 59 before it were missed.
        Time.Advance(TimeSpan.FromMinutes(60) + TimeSpan.FromSeconds(5));
        var runner = Runner(new CronOptions { MisfireThreshold = TimeSpan.FromSeconds(10) });
        Assert.Equal(missedFired + 1, await runner.RunDueAsync());

        var keys = (await Queue.ListAsync(new JobQuery(TenantA))).Select(j => j.IdempotencyKey).ToHashSet();
        Assert.Contains(CronScheduleRunner.IdempotencyKey(schedule, T0.AddMinutes(60)), keys);
        Assert.Equal(missedFired, Enumerable.Range(1, 59).Count(m => keys.Contains(CronScheduleRunner.IdempotencyKey(schedule, T0.AddMinutes(m)))));
        if (policy == CronMisfirePolicy.FireAll)
        {
            // The latest five missed fire times, not the oldest.
            Assert.Contains(CronScheduleRunner.IdempotencyKey(schedule, T0.AddMinutes(55)), keys);
        }

        Assert.Equal(T0.AddMinutes(61), (await Client.GetAsync(TenantA, schedule.Id)).NextFireAt);
    }

    [Fact]
    public async Task Fires_are_counted_by_outcome_and_their_lag_recorded()
    {
        // The meter is process-wide: this relies on no other test of the process firing cron schedules in-process at the
        // same time (this suite's tests run one after the other; the runtime's cron tests run in their own processes).
        var fires = new ConcurrentDictionary<string, long>();
        var lags = new ConcurrentQueue<double>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == AllixiosTelemetry.Name && instrument.Name.StartsWith("allixios.cron.", StringComparison.Ordinal))
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) => fires.AddOrUpdate(OutcomeOf(tags), value, (_, total) => total + value));
        listener.SetMeasurementEventCallback<double>((_, value, _, _) => lags.Enqueue(value));
        listener.Start();
        await Client.CreateAsync(TenantA, Spec("minutely", "* * * * *") with { Misfire = CronMisfirePolicy.FireAll, MaxMissedFires = 5 });

        // 60 fire times are due: 13:00 is on time (5 s late), the latest 5 missed ones fire too, 54 are skipped.
        Time.Advance(TimeSpan.FromMinutes(60) + TimeSpan.FromSeconds(5));
        await Runner(new CronOptions { MisfireThreshold = TimeSpan.FromSeconds(10) }).RunDueAsync();

        Assert.Equal(6, fires.GetValueOrDefault("enqueued"));
        Assert.Equal(54, fires.GetValueOrDefault("skipped"));
        Assert.Equal([5.0, 65, 125, 185, 245, 305], lags.Order());
    }

    [Theory]
    [InlineData(CronMisfirePolicy.FireOnce, 1)]
    [InlineData(CronMisfirePolicy.Skip, 0)]
    [InlineData(CronMisfirePolicy.FireAll, 3)]
    public async Task A_daily_schedule_missed_for_days_follows_its_misfire_policy(CronMisfirePolicy policy, int expected)
    {
        var schedule = await Client.CreateAsync(TenantA, Spec("nightly", "0 3 * * *") with { Misfire = policy });

        Time.Advance(TimeSpan.FromDays(3));

        Assert.Equal(expected, await Runner().RunDueAsync());
        var fired = await Client.GetAsync(TenantA, schedule.Id);
        Assert.Equal(new DateTimeOffset(2025, 3, 5, 3, 0, 0, TimeSpan.Zero), fired.NextFireAt);
        Assert.Equal(expected == 0 ? null : new DateTimeOffset(2025, 3, 4, 3, 0, 0, TimeSpan.Zero), fired.LastFireAt);
    }

    [Theory]
    [InlineData("expression", "invalid_cron_expression", "The cron expression '61 * * * *' is not valid: ")]
    [InlineData("zone", "unknown_time_zone", "Time zone 'Mars/Olympus_Mons' is not known")]
    [InlineData("type", "unknown_job_type", "Job type 'content.nope' is not registered")]
    [InlineData("payload", "invalid_payload", "The payload of a 'content.digest' job does not match its schema")]
    [InlineData("delay", "invalid_cron_job", "A cron schedule's job takes no delay, deadline or idempotency key")]
    [InlineData("cap", "invalid_max_missed_fires", "Max missed fires 0 is out of range")]
    [InlineData("name", "invalid_cron_schedule_name", "A cron schedule's name must be 1 to 100 characters")]
    public async Task A_bad_schedule_is_rejected_with_what_to_fix_and_nothing_is_saved(string bad, string reason, string message)
    {
        var spec = bad switch
        {
            "expression" => Spec("s", "61 * * * *"),
            "zone" => Spec("s", "@daily") with { TimeZone = "Mars/Olympus_Mons" },
            "type" => Spec("s", "@daily") with { Job = new NewJob("content.nope", "{}") },
            "payload" => Spec("s", "@daily") with { Job = new NewJob(Digest, """{"topic":7}""") },
            "delay" => Spec("s", "@daily") with { Job = new NewJob(Digest, """{"topic":"t"}""") { Delay = TimeSpan.FromMinutes(1) } },
            "cap" => Spec("s", "@daily") with { MaxMissedFires = 0 },
            _ => Spec(" ", "@daily"),
        };

        var error = await Assert.ThrowsAsync<AllixiosException>(async () => await Client.CreateAsync(TenantA, spec));

        Assert.Equal(AllixiosErrorKind.InvalidArgument, error.Kind);
        Assert.Equal(reason, error.Reason);
        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
        Assert.Empty(await Client.ListAsync(TenantA));
    }

    private static string OutcomeOf(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == "outcome")
            {
                return (string)tag.Value!;
            }
        }

        throw new InvalidOperationException("A cron fire was counted without an outcome.");
    }

    private static CronScheduleSpec Spec(string name, string expression) => new(name, expression, new NewJob(Digest, """{"topic":"t"}"""));

    private CronScheduleRunner Runner(CronOptions? options = null) => new(Store, Jobs, Options.Create(options ?? new CronOptions()), Time);
}

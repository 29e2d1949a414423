using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Allixios.Diagnostics;
using Allixios.Orchestration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Xunit;

namespace Allixios.Sdk.Tests.Orchestration;

/// <summary>The hosted worker in a real host over the in-memory queue, with real time and short intervals.</summary>
public sealed class JobWorkerTests
{
    private const string Tenant = "acme-news";
    private const string ArticleSchema = """{ "type": "object", "required": ["topic"], "properties": { "topic": { "type": "string" } } }""";

    [Fact(Timeout = 60_000)]
    public async Task A_registered_handler_runs_an_enqueued_job_which_succeeds_with_its_progress_in_its_history()
    {
        using var host = await StartAsync(b => b.AddJobHandler<WritingHandler>("content.generate", ArticleSchema));
        var client = host.Services.GetRequiredService<JobClient>();

        var job = (await client.EnqueueAsync(Tenant, new NewJob("content.generate", """{"topic":"spring","words":3}"""))).Job;

        var done = await WaitUntilFinishedAsync(client, job.Id);
        Assert.Equal(JobState.Succeeded, done.State);
        Assert.Equal(new JobProgress(100, "written"), done.Progress);
        var probe = host.Services.GetRequiredService<Probe>();
        Assert.Equal(["spring:3"], probe.Seen);
        var history = await client.GetHistoryAsync(Tenant, job.Id);
        Assert.Equal([50, 100], history.Where(e => e.Progress is not null).Select(e => e.Progress!.Percent));
        Assert.StartsWith("test-host/", history.Single(e => e.From == JobState.Available && e.To == JobState.Running).Worker, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_run_is_traced_with_a_link_to_its_enqueue_and_measured_by_type_and_tenant()
    {
        var stopped = new ConcurrentQueue<Activity>();
        using var activities = new ActivityListener
        {
            ShouldListenTo = source => source.Name == AllixiosTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(activities);
        var measured = new ConcurrentQueue<(string Instrument, double Value, Dictionary<string, object?> Tags)>();
        using var meters = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == AllixiosTelemetry.Name && instrument.Name.StartsWith("allixios.jobs.", StringComparison.Ordinal))
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        meters.SetMeasurementEventCallback<long>((instrument, value, tags, _) => measured.Enqueue((instrument.Name, value, Tags(tags))));
        meters.SetMeasurementEventCallback<double>((instrument, value, tags, _) => measured.Enqueue((instrument.Name, value, Tags(tags))));
        meters.Start();
        using var host = await StartAsync(b => b.AddJobHandler<WritingHandler>("trace.check", ArticleSchema));
        var client = host.Services.GetRequiredService<JobClient>();

        var job = (await client.EnqueueAsync(Tenant, new NewJob("trace.check", """{"topic":"traced","words":1}"""))).Job;
        Assert.Equal(JobState.Succeeded, (await WaitUntilFinishedAsync(client, job.Id)).State);

        // The run's span ends just after the job is marked succeeded.
        Activity? run;
        while ((run = stopped.FirstOrDefault(a => a.OperationName == "job.run" && Equals(a.GetTagItem("allixios.job.id"), job.Id))) is null)
        {
            await Task.Delay(20);
        }

        var enqueue = Assert.Single(stopped, a => a.OperationName == "job.enqueue" && Equals(a.GetTagItem("allixios.job.id"), job.Id));
        Assert.Equal(enqueue.Id, job.TraceParent);
        Assert.Contains(run.Links, l => l.Context.TraceId == enqueue.TraceId && l.Context.SpanId == enqueue.SpanId);
        Assert.Equal(ActivityKind.Consumer, run.Kind);
        bool Mine(Dictionary<string, object?> tags) => Equals(tags.GetValueOrDefault("job_type"), "trace.check") && Equals(tags.GetValueOrDefault("tenant"), Tenant);
        Assert.Contains(measured, m => m.Instrument == "allixios.jobs.wait_time" && Mine(m.Tags) && m.Value >= 0);
        Assert.Contains(measured, m => m.Instrument == "allixios.jobs.completed" && Mine(m.Tags) && Equals(m.Tags["outcome"], "succeeded") && m.Value == 1);
        Assert.Contains(measured, m => m.Instrument == "allixios.jobs.run_time" && Mine(m.Tags));
    }

    [Fact(Timeout = 60_000)]
    public async Task The_jobs_of_a_batch_carry_the_context_of_the_batch_enqueue_span()
    {
        var stopped = new ConcurrentQueue<Activity>();
        using var activities = new ActivityListener
        {
            ShouldListenTo = source => source.Name == AllixiosTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(activities);
        using var host = await StartAsync(b => b.AddJobHandler<WritingHandler>("trace.check", ArticleSchema));
        var client = host.Services.GetRequiredService<JobClient>();

        var batch = await client.EnqueueBatchAsync(Tenant, [new NewJob("trace.check", """{"topic":"a","words":1}"""), new NewJob("trace.check", """{"topic":"b","words":1}""")]);

        var traceParent = batch[0].Job.TraceParent;
        Assert.NotNull(traceParent);
        Assert.Equal(traceParent, batch[1].Job.TraceParent);
        Assert.Equal(traceParent, (await client.GetAsync(Tenant, batch[1].Job.Id)).TraceParent);
        Assert.Contains(stopped, a => a.OperationName == "job.enqueue_batch" && a.Id == traceParent && a.Kind == ActivityKind.Producer);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_handler_that_keeps_throwing_is_retried_until_its_attempts_are_used_up_and_then_dead_lettered()
    {
        using var host = await StartAsync(b => b.AddJobHandler<FailingHandler>("flaky"));
        var client = host.Services.GetRequiredService<JobClient>();

        var job = (await client.EnqueueAsync(Tenant, new NewJob("flaky", "{}") { MaxAttempts = 3 })).Job;

        var dead = await WaitUntilFinishedAsync(client, job.Id);
        Assert.Equal(JobState.DeadLettered, dead.State);
        Assert.Equal(3, dead.Attempt);
        Assert.Equal("InvalidOperationException: provider returned 503", dead.LastError);
        Assert.Equal(3, host.Services.GetRequiredService<Probe>().Seen.Count);
        Assert.Equal(2, (await client.GetHistoryAsync(Tenant, job.Id)).Count(e => e.To == JobState.Retrying));
    }

    [Fact(Timeout = 60_000)]
    public async Task An_attempt_that_outlasts_its_timeout_is_cancelled_and_fails()
    {
        using var host = await StartAsync(b => b.AddJobHandler<StallingHandler>("stall"));
        var client = host.Services.GetRequiredService<JobClient>();

        var job = (await client.EnqueueAsync(Tenant, new NewJob("stall", "{}") { MaxAttempts = 1, Timeout = TimeSpan.FromSeconds(1) })).Job;

        var dead = await WaitUntilFinishedAsync(client, job.Id);
        Assert.Equal(JobState.DeadLettered, dead.State);
        Assert.Contains("timed out", dead.LastError, StringComparison.Ordinal);
        Assert.Equal(["cancelled"], host.Services.GetRequiredService<Probe>().Seen);
    }

    [Fact(Timeout = 60_000)]
    public async Task Cancelling_a_running_job_cancels_its_handler_at_the_next_heartbeat()
    {
        using var host = await StartAsync(b => b.AddJobHandler<StallingHandler>("stall"));
        var client = host.Services.GetRequiredService<JobClient>();
        var probe = host.Services.GetRequiredService<Probe>();
        var job = (await client.EnqueueAsync(Tenant, new NewJob("stall", "{}") { Timeout = TimeSpan.FromHours(1) })).Job;
        await probe.Started.Task;

        await client.CancelAsync(Tenant, job.Id, "brief withdrawn");

        await probe.Stopped.Task;
        Assert.Equal(["cancelled"], probe.Seen);
        var cancelled = await client.GetAsync(Tenant, job.Id);
        Assert.Equal(JobState.Cancelled, cancelled.State);
        Assert.DoesNotContain(await client.GetHistoryAsync(Tenant, job.Id), e => e.To is JobState.Succeeded or JobState.Retrying or JobState.DeadLettered);
    }

    [Fact(Timeout = 60_000)]
    public async Task The_worker_never_runs_more_jobs_at_once_than_its_concurrency()
    {
        using var host = await StartAsync(b => b.AddOrchestration(o => o.Concurrency = 2).AddJobHandler<CountingHandler>("count"));
        var client = host.Services.GetRequiredService<JobClient>();

        var jobs = new List<Guid>();
        for (var i = 0; i < 8; i++)
        {
            jobs.Add((await client.EnqueueAsync(Tenant, new NewJob("count", "{}"))).Job.Id);
        }

        foreach (var id in jobs)
        {
            Assert.Equal(JobState.Succeeded, (await WaitUntilFinishedAsync(client, id)).State);
        }

        var probe = host.Services.GetRequiredService<Probe>();
        Assert.Equal(8, probe.Seen.Count);
        Assert.InRange(probe.MostAtOnce, 1, 2);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_payload_the_handler_type_cannot_read_dead_letters_the_job_without_retrying()
    {
        using var host = await StartAsync(b => b.AddJobHandler<WritingHandler>("content.generate"));
        var client = host.Services.GetRequiredService<JobClient>();

        var job = (await client.EnqueueAsync(Tenant, new NewJob("content.generate", """{"topic":{"nested":true}}"""))).Job;

        var dead = await WaitUntilFinishedAsync(client, job.Id);
        Assert.Equal(JobState.DeadLettered, dead.State);
        Assert.Equal(1, dead.Attempt);
        Assert.Contains("cannot be read as Article", dead.LastError, StringComparison.Ordinal);
        Assert.Empty(host.Services.GetRequiredService<Probe>().Seen);
    }

    [Fact(Timeout = 60_000)]
    public async Task Stopping_the_host_hands_a_running_job_back_without_spending_its_only_attempt()
    {
        var host = await StartAsync(b => b.AddJobHandler<StallingHandler>("stall"));
        var client = host.Services.GetRequiredService<JobClient>();
        var probe = host.Services.GetRequiredService<Probe>();
        var job = (await client.EnqueueAsync(Tenant, new NewJob("stall", "{}") { MaxAttempts = 1, Timeout = TimeSpan.FromHours(1) })).Job;
        await probe.Started.Task;

        await host.StopAsync();

        var released = await client.GetAsync(Tenant, job.Id);
        host.Dispose();
        Assert.Equal(JobState.Retrying, released.State);
        Assert.Equal(0, released.Attempt);
        Assert.Contains("not counted", released.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_heartbeat_interval_not_shorter_than_the_lease_stops_the_start()
    {
        using var host = Build(b => b.AddOrchestration(o =>
        {
            o.LeaseDuration = TimeSpan.FromSeconds(5);
            o.HeartbeatInterval = TimeSpan.FromSeconds(5);
        }));

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("HeartbeatInterval", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_payload_schema_that_is_not_json_schema_stops_the_start_naming_its_job_type()
    {
        using var host = Build(b => b.AddJobType("content.translate", """{"type": """));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());

        Assert.Contains("'content.translate'", error.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_job_with_a_deadline_months_away_runs_like_any_other()
    {
        using var host = await StartAsync(b => b.AddJobHandler<CountingHandler>("count"));
        var client = host.Services.GetRequiredService<JobClient>();

        var job = (await client.EnqueueAsync(Tenant, new NewJob("count", "{}") { Deadline = DateTimeOffset.UtcNow.AddDays(400) })).Job;

        Assert.Equal(JobState.Succeeded, (await WaitUntilFinishedAsync(client, job.Id)).State);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_job_whose_deadline_passes_while_it_runs_is_cancelled_and_dead_lettered_without_a_retry()
    {
        using var host = await StartAsync(b => b.AddJobHandler<StallingHandler>("stall"));
        var client = host.Services.GetRequiredService<JobClient>();

        var job = (await client.EnqueueAsync(Tenant, new NewJob("stall", "{}") { Deadline = DateTimeOffset.UtcNow.AddSeconds(1), MaxAttempts = 5 })).Job;

        var dead = await WaitUntilFinishedAsync(client, job.Id);
        Assert.Equal(JobState.DeadLettered, dead.State);
        Assert.Equal(1, dead.Attempt);
        Assert.Contains("deadline", dead.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public void Orchestration_registers_the_in_memory_queue_by_default_and_the_postgres_queue_with_postgres_in_either_order()
    {
        var embedded = new ServiceCollection().AddSingleton<Probe>();
        embedded.AddAllixios().AddJobHandler<CountingHandler>("count");
        using (var provider = embedded.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true }))
        {
            Assert.IsType<InMemoryJobQueue>(provider.GetRequiredService<IJobQueue>());
            Assert.NotNull(provider.GetRequiredService<JobClient>());
            Assert.Equal(["count"], provider.GetRequiredService<JobTypeRegistry>().Names);
        }

        const string Cs = "Host=127.0.0.1;Port=1;Username=nobody;Password=none;Database=none";
        foreach (var configure in new Action<IAllixiosBuilder>[]
        {
            b => b.UsePostgres(Cs).AddOrchestration(),
            b => b.AddOrchestration().UsePostgres(Cs),
        })
        {
            var services = new ServiceCollection();
            configure(services.AddAllixios());
            using var provider = services.BuildServiceProvider();
            Assert.IsType<PostgresJobQueue>(provider.GetRequiredService<IJobQueue>());
        }
    }

    [Fact]
    public void Adding_orchestration_twice_adds_one_worker_and_one_queue()
    {
        var services = new ServiceCollection();
        services.AddAllixios().AddOrchestration().AddOrchestration().AddJobHandler<CountingHandler>("count").AddJobType("remote.only");

        Assert.Single(services, s => s.ServiceType == typeof(IJobQueue));
        Assert.Single(services, s => s.ImplementationType == typeof(JobWorker));
        Assert.Single(services, s => s.ServiceType == typeof(JobClient));
    }

    [Theory]
    [InlineData("Content.Generate")]
    [InlineData("content..generate")]
    [InlineData("content generate")]
    [InlineData(".content")]
    public void A_job_type_name_that_is_not_lower_case_dotted_words_is_refused_at_registration(string name)
    {
        var builder = new ServiceCollection().AddAllixios();

        var error = Assert.Throws<ArgumentException>(() => builder.AddJobHandler<CountingHandler>(name));

        Assert.Contains("content.generate", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_handler_that_implements_no_job_handler_interface_is_refused_at_registration()
    {
        var builder = new ServiceCollection().AddAllixios();

        var error = Assert.Throws<ArgumentException>(() => builder.AddJobHandler<Probe>("count"));

        Assert.Contains("IJobHandler<TPayload>", error.Message, StringComparison.Ordinal);
    }

    private static IHost Build(Action<IAllixiosBuilder> configure)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        var allixios = builder.Services.AddAllixios(o => o.InstanceName = "test-host");
        allixios.AddOrchestration(o =>
        {
            o.PollInterval = TimeSpan.FromMilliseconds(50);
            o.HeartbeatInterval = TimeSpan.FromMilliseconds(100);
            o.LeaseDuration = TimeSpan.FromSeconds(5);
            o.RetryBaseDelay = TimeSpan.Zero;
            o.RetryMaxDelay = TimeSpan.Zero;
        });
        configure(allixios);
        builder.Services.AddSingleton<Probe>();
        return builder.Build();
    }

    private static async Task<IHost> StartAsync(Action<IAllixiosBuilder> configure)
    {
        var host = Build(configure);
        await host.StartAsync();
        return host;
    }

    private static async Task<Job> WaitUntilFinishedAsync(JobClient client, Guid jobId)
    {
        // Bounded by the test's timeout; no assertion on how long it takes.
        while (true)
        {
            var job = await client.GetAsync(Tenant, jobId);
            if (JobStateMachine.IsFinished(job.State))
            {
                return job;
            }

            await Task.Delay(20);
        }
    }

    private static Dictionary<string, object?> Tags(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var all = new Dictionary<string, object?>();
        foreach (var tag in tags)
        {
            all[tag.Key] = tag.Value;
        }

        return all;
    }

    public sealed record Article(string Topic, int Words);

    /// <summary>What the handlers saw, shared through the container.</summary>
    public sealed class Probe
    {
        private int _running;
        private int _mostAtOnce;

        public ConcurrentQueue<string> Seen { get; } = new();

        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Stopped { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int MostAtOnce => Volatile.Read(ref _mostAtOnce);

        public IDisposable Enter()
        {
            var now = Interlocked.Increment(ref _running);
            int most;
            while (now > (most = Volatile.Read(ref _mostAtOnce)) && Interlocked.CompareExchange(ref _mostAtOnce, now, most) != most)
            {
            }

            return new Exit(this);
        }

        private sealed class Exit(Probe probe) : IDisposable
        {
            public void Dispose() => Interlocked.Decrement(ref probe._running);
        }
    }

    public sealed class WritingHandler(Probe probe) : IJobHandler<Article>
    {
        public async ValueTask HandleAsync(JobContext<Article> context)
        {
            await context.ReportProgressAsync(50, "outlined");
            probe.Seen.Enqueue($"{context.Payload.Topic}:{context.Payload.Words}");
            await context.ReportProgressAsync(100, "written");
        }
    }

    public sealed class FailingHandler(Probe probe) : IJobHandler<object>
    {
        public ValueTask HandleAsync(JobContext<object> context)
        {
            probe.Seen.Enqueue("attempt " + context.Job.Attempt);
            throw new InvalidOperationException("provider returned 503");
        }
    }

    public sealed class StallingHandler(Probe probe) : IJobHandler<object>
    {
        public async ValueTask HandleAsync(JobContext<object> context)
        {
            probe.Started.TrySetResult();
            try
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, context.CancellationToken);
            }
            catch (OperationCanceledException)
            {
                probe.Seen.Enqueue("cancelled");
                probe.Stopped.TrySetResult();
                throw;
            }
        }
    }

    public sealed class CountingHandler(Probe probe) : IJobHandler<object>
    {
        public async ValueTask HandleAsync(JobContext<object> context)
        {
            using (probe.Enter())
            {
                await Task.Delay(30, context.CancellationToken);
                probe.Seen.Enqueue(context.Job.Id.ToString());
            }
        }
    }
}

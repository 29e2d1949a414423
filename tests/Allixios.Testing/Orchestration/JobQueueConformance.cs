using System.Text.Json.Nodes;
using Allixios.Orchestration;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Allixios.Testing.Orchestration;

/// <summary>
/// The contract of <see cref="IJobQueue"/> (and of <see cref="JobClient"/>'s validation in front of it); derive once per
/// implementation. Time is a <see cref="FakeTimeProvider"/> that each test moves by hand, so leases expire and backoffs
/// pass exactly when a test says.
/// </summary>
public abstract class JobQueueConformance : IAsyncLifetime
{
    /// <summary>The moment each test starts at; whole seconds, so every store keeps it exactly.</summary>
    protected static readonly DateTimeOffset T0 = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>A job type with a payload schema.</summary>
    protected const string Generate = "content.generate";

    /// <summary>A job type without a schema.</summary>
    protected const string Noop = "noop";

    /// <summary>The payload schema of <see cref="Generate"/>.</summary>
    protected const string GenerateSchema = """
        {
          "type": "object",
          "required": ["topic"],
          "properties": {
            "topic": { "type": "string", "minLength": 1 },
            "words": { "type": "integer", "minimum": 1 }
          }
        }
        """;

    private const string TenantA = "tenant-a";
    private const string TenantB = "tenant-b";
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    private IJobQueue? _queue;

    /// <summary>The clock of the queue under test.</summary>
    protected FakeTimeProvider Time { get; } = new(T0);

    /// <summary>The queue under test, fresh for this test.</summary>
    protected IJobQueue Queue => _queue ?? throw new InvalidOperationException("The queue is created in InitializeAsync.");

    /// <summary>A client over <see cref="Queue"/> that knows <see cref="Generate"/> and <see cref="Noop"/>.</summary>
    protected JobClient Client => new(
        Queue,
        new JobTypeRegistry([new JobTypeRegistration(Generate, GenerateSchema), new JobTypeRegistration(Noop, null)]),
        Options.Create(new OrchestrationOptions()),
        Time);

    /// <summary>Creates a fresh, empty queue whose times come from <paramref name="time"/>.</summary>
    protected abstract Task<IJobQueue> CreateQueueAsync(TimeProvider time);

    /// <inheritdoc />
    public async Task InitializeAsync() => _queue = await CreateQueueAsync(Time);

    /// <inheritdoc />
    public virtual async Task DisposeAsync()
    {
        if (_queue is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync();
        }
    }

    [Fact]
    public async Task An_enqueued_job_reads_back_with_everything_it_was_given()
    {
        var deadline = T0.AddHours(2);
        var enqueued = await Client.EnqueueAsync(TenantA, new NewJob(Generate, """{"topic":"spring","words":300}""")
        {
            Priority = 7,
            IdempotencyKey = "brief-17",
            Deadline = deadline,
            MaxAttempts = 3,
            Timeout = TimeSpan.FromMinutes(2),
            Tags = ["campaign:spring", "lang:en"],
            EstimatedCost = 0.0425m,
            Resource = "openai",
        });

        Assert.True(enqueued.Created);
        var read = await Queue.GetAsync(TenantA, enqueued.Job.Id);
        Assert.NotNull(read);
        AssertSameJob(enqueued.Job, read);
        Assert.Equal(JobState.Available, read.State);
        Assert.Equal(TenantA, read.TenantId);
        Assert.Equal(Generate, read.Type);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"topic":"spring","words":300}"""), JsonNode.Parse(read.Payload)));
        Assert.Equal(7, read.Priority);
        Assert.Equal("brief-17", read.IdempotencyKey);
        Assert.Equal(0, read.Attempt);
        Assert.Equal(3, read.MaxAttempts);
        Assert.Equal(T0, read.RunAt);
        Assert.Equal(deadline, read.Deadline);
        Assert.Equal(TimeSpan.FromMinutes(2), read.Timeout);
        Assert.Equal(["campaign:spring", "lang:en"], read.Tags);
        Assert.Equal(0.0425m, read.EstimatedCost);
        Assert.Equal("openai", read.Resource);
        Assert.Equal(T0, read.CreatedAt);
        Assert.Null(read.FinishedAt);
    }

    [Fact]
    public async Task The_trace_context_of_the_enqueue_is_kept_on_the_job_and_handed_to_the_worker_that_leases_it()
    {
        const string TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        var job = (await Client.EnqueueAsync(TenantA, new NewJob(Noop, "{}"))).Job with { Id = Guid.CreateVersion7(T0), TraceParent = TraceParent };
        var untraced = (await Client.EnqueueAsync(TenantA, new NewJob(Noop, "{}"))).Job;

        await Queue.EnqueueAsync(job);
        var leased = await DequeueAsync("worker-1", max: 10);

        Assert.Equal(TraceParent, (await Queue.GetAsync(TenantA, job.Id))!.TraceParent);
        Assert.Equal(TraceParent, Assert.Single(leased, l => l.Job.Id == job.Id).Job.TraceParent);
        Assert.Null(Assert.Single(leased, l => l.Job.Id == untraced.Id).Job.TraceParent);
    }

    [Fact]
    public async Task A_delayed_job_starts_scheduled_and_is_not_leased_before_its_time()
    {
        var job = (await Client.EnqueueAsync(TenantA, new NewJob(Noop, "{}") { Delay = TimeSpan.FromMinutes(5) })).Job;

        Assert.Equal(JobState.Scheduled, job.State);
        Assert.Equal(T0.AddMinutes(5), job.RunAt);
        Time.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromSeconds(1));
        Assert.Empty(await DequeueAsync("w1"));

        Time.Advance(TimeSpan.FromSeconds(1));
        var lease = Assert.Single(await DequeueAsync("w1"));
        Assert.Equal(job.Id, lease.Job.Id);
        Assert.Equal(
            [(null, JobState.Scheduled), (JobState.Scheduled, JobState.Available), (JobState.Available, JobState.Running)],
            (await Queue.GetHistoryAsync(TenantA, job.Id)).Select(e => (e.From, e.To)));
    }

    [Fact]
    public async Task Enqueueing_an_idempotency_key_again_returns_the_existing_job_unchanged()
    {
        var first = await Client.EnqueueAsync(TenantA, new NewJob(Generate, """{"topic":"first"}""") { IdempotencyKey = "brief-17", Priority = 2 });
        Time.Advance(TimeSpan.FromMinutes(1));

        var second = await Client.EnqueueAsync(TenantA, new NewJob(Generate, """{"topic":"second"}""") { IdempotencyKey = "brief-17", Priority = 9 });

        Assert.False(second.Created);
        AssertSameJob(first.Job, second.Job);
        Assert.Contains("first", second.Job.Payload, StringComparison.Ordinal);
        Assert.Single(await DequeueAsync("w1", max: 10));
    }

    [Fact]
    public async Task The_same_idempotency_key_in_another_tenant_is_another_job()
    {
        var a = await Client.EnqueueAsync(TenantA, new NewJob(Noop, "{}") { IdempotencyKey = "k" });
        var b = await Client.EnqueueAsync(TenantB, new NewJob(Noop, "{}") { IdempotencyKey = "k" });

        Assert.True(b.Created);
        Assert.NotEqual(a.Job.Id, b.Job.Id);
        Assert.Equal(2, (await DequeueAsync("w1", max: 10)).Count);
    }

    [Fact]
    public async Task Dequeue_leases_higher_priority_first_then_the_earlier_due()
    {
        var low = await EnqueueAsync(priority: 1);
        Time.Advance(TimeSpan.FromSeconds(1));
        var highLater = await EnqueueAsync(priority: 8);
        Time.Advance(TimeSpan.FromSeconds(1));
        var highLatest = await EnqueueAsync(priority: 8);
        Time.Advance(TimeSpan.FromSeconds(1));
        var middle = await EnqueueAsync(priority: 5);

        var order = new List<Guid>();
        for (var i = 0; i < 4; i++)
        {
            order.Add(Assert.Single(await DequeueAsync("w1", max: 1)).Job.Id);
        }

        Assert.Equal([highLater.Id, highLatest.Id, middle.Id, low.Id], order);
    }

    [Fact]
    public async Task Dequeue_returns_at_most_the_jobs_asked_for_and_only_of_the_types_asked_for()
    {
        for (var i = 0; i < 5; i++)
        {
            await EnqueueAsync();
        }

        var generate = (await Client.EnqueueAsync(TenantA, new NewJob(Generate, """{"topic":"t"}"""))).Job;

        Assert.Equal(3, (await DequeueAsync("w1", max: 3)).Count);
        var onlyGenerate = await Queue.DequeueAsync(new DequeueRequest("w2", 10, Lease, [Generate]));
        Assert.Equal(generate.Id, Assert.Single(onlyGenerate).Job.Id);
        Assert.Equal(2, (await DequeueAsync("w3", max: 10)).Count);
        Assert.Empty(await DequeueAsync("w4", max: 10));
    }

    [Fact]
    public async Task Dequeue_can_be_limited_to_the_tenants_whose_turn_it_is()
    {
        var a = await EnqueueAsync(priority: 9);
        var b = (await Client.EnqueueAsync(TenantB, new NewJob(Noop, "{}") { Priority = 1 })).Job;

        var onlyB = await Queue.DequeueAsync(new DequeueRequest("w1", 10, Lease, Tenants: [TenantB]));

        Assert.Equal(b.Id, Assert.Single(onlyB).Job.Id);
        Assert.Equal(a.Id, Assert.Single(await DequeueAsync("w2")).Job.Id);
    }

    [Fact]
    public async Task A_waiting_low_priority_job_ages_past_newer_high_priority_jobs_one_level_per_step()
    {
        var old = await EnqueueAsync(priority: 0);
        Time.Advance(JobAging.StepPerPriority * 5);
        var newer = await EnqueueAsync(priority: 9);
        Time.Advance(JobAging.StepPerPriority * 5);
        var newest = await EnqueueAsync(priority: 9);

        // Effective priorities now: old 0 + 10 steps waited = 10, newer 9 + 5 = 14, newest 9 + 0 = 9. Without aging the
        // priority-0 job would come last.
        var order = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            order.Add(Assert.Single(await DequeueAsync("w1", max: 1)).Job.Id);
        }

        Assert.Equal([newer.Id, old.Id, newest.Id], order);
    }

    [Fact]
    public async Task A_tenant_concurrency_cap_counts_the_tenants_running_jobs_of_every_worker()
    {
        for (var i = 0; i < 5; i++)
        {
            await EnqueueAsync();
        }

        var first = await Queue.DequeueAsync(new DequeueRequest("w1", 2, Lease, Tenants: [TenantA], TenantConcurrency: 3));
        var second = await Queue.DequeueAsync(new DequeueRequest("w2", 10, Lease, Tenants: [TenantA], TenantConcurrency: 3));
        var atCap = await Queue.DequeueAsync(new DequeueRequest("w3", 10, Lease, Tenants: [TenantA], TenantConcurrency: 3));
        Assert.Equal(2, first.Count);
        Assert.Single(second);
        Assert.Empty(atCap);

        Assert.True(await Queue.CompleteAsync(first[0]));
        Assert.Single(await Queue.DequeueAsync(new DequeueRequest("w3", 10, Lease, Tenants: [TenantA], TenantConcurrency: 3)));
    }

    [Fact]
    public async Task A_concurrency_cap_without_exactly_one_tenant_is_refused()
    {
        await EnqueueAsync();

        await Assert.ThrowsAsync<ArgumentException>(() => Queue.DequeueAsync(new DequeueRequest("w1", 1, Lease, TenantConcurrency: 1)).AsTask());
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Queue.DequeueAsync(new DequeueRequest("w1", 1, Lease, Tenants: [TenantA], TenantConcurrency: 0)).AsTask());
        Assert.Single(await DequeueAsync("w1"));
    }

    [Fact]
    public async Task The_backlog_counts_each_tenants_leasable_and_running_jobs_of_the_types_asked_about()
    {
        await EnqueueAsync();
        await EnqueueAsync();
        await EnqueueAsync();
        await Client.EnqueueAsync(TenantA, new NewJob(Generate, """{"topic":"t"}"""));
        await Client.EnqueueAsync(TenantB, new NewJob(Noop, "{}") { Delay = TimeSpan.FromMinutes(1) });
        await Client.EnqueueAsync(TenantB, new NewJob(Noop, "{}") { Delay = TimeSpan.FromHours(1) });
        var finished = (await Client.EnqueueAsync(TenantB, new NewJob(Noop, "{}"))).Job;
        await Queue.CancelAsync(TenantB, finished.Id, "not needed");
        await Queue.DequeueAsync(new DequeueRequest("w1", 1, Lease, [Noop], [TenantA]));
        Time.Advance(TimeSpan.FromMinutes(1));

        var all = (await Queue.GetBacklogAsync(null)).OrderBy(b => b.TenantId).ToList();
        var noop = (await Queue.GetBacklogAsync([Noop])).OrderBy(b => b.TenantId).ToList();
        var generate = (await Queue.GetBacklogAsync([Generate])).OrderBy(b => b.TenantId).ToList();

        Assert.Equal([new TenantBacklog(TenantA, 3, 1), new TenantBacklog(TenantB, 1, 0)], all);
        Assert.Equal([new TenantBacklog(TenantA, 2, 1), new TenantBacklog(TenantB, 1, 0)], noop);
        Assert.Equal([new TenantBacklog(TenantA, 1, 1)], generate);
    }

    [Fact]
    public async Task A_leased_job_is_running_with_its_attempt_counted_and_is_not_leased_again()
    {
        var job = await EnqueueAsync();

        var lease = Assert.Single(await DequeueAsync("w1"));

        Assert.Equal(JobState.Running, lease.Job.State);
        Assert.Equal(1, lease.Job.Attempt);
        Assert.Equal("w1", lease.Job.LeaseOwner);
        Assert.Equal(T0 + Lease, lease.Job.LeaseExpiresAt);
        Assert.Equal("w1", lease.WorkerId);
        Assert.Empty(await DequeueAsync("w2"));
        Assert.Equal(JobState.Running, (await Queue.GetAsync(TenantA, job.Id))!.State);
    }

    [Fact]
    public async Task Completing_a_leased_job_marks_it_succeeded_and_its_history_tells_the_whole_story()
    {
        var job = await EnqueueAsync();
        Time.Advance(TimeSpan.FromSeconds(1));
        var lease = Assert.Single(await DequeueAsync("w1"));
        Time.Advance(TimeSpan.FromSeconds(2));

        Assert.True(await Queue.CompleteAsync(lease));

        var done = await Queue.GetAsync(TenantA, job.Id);
        Assert.Equal(JobState.Succeeded, done!.State);
        Assert.Equal(T0.AddSeconds(3), done.FinishedAt);
        Assert.Null(done.LeaseOwner);
        Assert.Null(done.LeaseExpiresAt);
        var history = await Queue.GetHistoryAsync(TenantA, job.Id);
        Assert.Equal(
            [
                new JobEvent(job.Id, T0, null, JobState.Available, null, 0, null, null),
                new JobEvent(job.Id, T0.AddSeconds(1), JobState.Available, JobState.Running, "w1", 1, null, null),
                new JobEvent(job.Id, T0.AddSeconds(3), JobState.Running, JobState.Succeeded, "w1", 1, null, null),
            ],
            history);
        Assert.False(await Queue.CompleteAsync(lease));
        Assert.Equal(3, (await Queue.GetHistoryAsync(TenantA, job.Id)).Count);
    }

    [Fact]
    public async Task A_failed_attempt_retries_after_its_backoff_and_the_last_one_dead_letters_the_job()
    {
        var job = (await Client.EnqueueAsync(TenantA, new NewJob(Noop, "{}") { MaxAttempts = 2 })).Job;

        var first = Assert.Single(await DequeueAsync("w1"));
        Assert.Equal(JobState.Retrying, await Queue.FailAsync(first, "provider returned 503", T0.AddSeconds(10)));
        var retrying = await Queue.GetAsync(TenantA, job.Id);
        Assert.Equal(JobState.Retrying, retrying!.State);
        Assert.Equal("provider returned 503", retrying.LastError);
        Assert.Equal(T0.AddSeconds(10), retrying.RunAt);
        Assert.Null(retrying.FinishedAt);

        Time.Advance(TimeSpan.FromSeconds(9));
        Assert.Empty(await DequeueAsync("w1"));
        Time.Advance(TimeSpan.FromSeconds(1));
        var second = Assert.Single(await DequeueAsync("w2"));
        Assert.Equal(2, second.Job.Attempt);

        Assert.Equal(JobState.DeadLettered, await Queue.FailAsync(second, "provider returned 503 again", T0.AddSeconds(60)));
        var dead = await Queue.GetAsync(TenantA, job.Id);
        Assert.Equal(JobState.DeadLettered, dead!.State);
        Assert.Equal(T0.AddSeconds(10), dead.FinishedAt);
        Assert.Equal("provider returned 503 again", dead.LastError);
        Time.Advance(TimeSpan.FromMinutes(5));
        Assert.Empty(await DequeueAsync("w1"));
        Assert.Equal(
            [JobState.Available, JobState.Running, JobState.Retrying, JobState.Available, JobState.Running, JobState.DeadLettered],
            (await Queue.GetHistoryAsync(TenantA, job.Id)).Select(e => e.To));
    }

    [Fact]
    public async Task A_failure_without_a_retry_time_dead_letters_the_job_at_once()
    {
        await EnqueueAsync();
        var lease = Assert.Single(await DequeueAsync("w1"));

        Assert.Equal(JobState.DeadLettered, await Queue.FailAsync(lease, "payload names a deleted article", retryAt: null));
    }

    [Fact]
    public async Task A_job_whose_worker_stopped_heartbeating_is_rescued_after_the_lease_expires_and_completes_exactly_once()
    {
        var job = await EnqueueAsync();
        var abandoned = Assert.Single(await DequeueAsync("dead-worker"));

        Time.Advance(Lease - TimeSpan.FromSeconds(1));
        Assert.Equal(0, await Queue.RescueExpiredLeasesAsync(100));
        Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, await Queue.RescueExpiredLeasesAsync(100));

        var rescued = await Queue.GetAsync(TenantA, job.Id);
        Assert.Equal(JobState.Retrying, rescued!.State);
        Assert.Contains("dead-worker", rescued.LastError, StringComparison.Ordinal);
        var second = Assert.Single(await DequeueAsync("live-worker"));
        Assert.Equal(2, second.Job.Attempt);

        Assert.False(await Queue.CompleteAsync(abandoned));
        Assert.False(await Queue.HeartbeatAsync(abandoned, Lease));
        Assert.Null(await Queue.FailAsync(abandoned, "late failure", T0));
        Assert.True(await Queue.CompleteAsync(second));
        Assert.False(await Queue.CompleteAsync(abandoned));

        var history = await Queue.GetHistoryAsync(TenantA, job.Id);
        Assert.Single(history, e => e.To == JobState.Succeeded);
        Assert.Equal("live-worker", history[^1].Worker);
        Assert.Contains(history, e => e.From == JobState.Running && e.To == JobState.Retrying && e.Worker == "dead-worker");
    }

    [Fact]
    public async Task A_lease_that_pairs_one_job_with_another_jobs_token_changes_neither_job()
    {
        await EnqueueAsync();
        await EnqueueAsync();
        var leases = await DequeueAsync("worker-1");
        Assert.Equal(2, leases.Count);
        var (first, second) = (leases[0], leases[1]);
        var forged = first with { Token = second.Token };

        Assert.False(await Queue.CompleteAsync(forged));
        Assert.Equal([false], await Queue.CompleteBatchAsync([forged]));
        Assert.False(await Queue.HeartbeatAsync(forged, Lease));
        Assert.False(await Queue.ReportProgressAsync(forged, new JobProgress(10, null)));
        Assert.Null(await Queue.FailAsync(forged, "forged failure", retryAt: null));
        Assert.False(await Queue.DeferAsync(forged, T0.AddMinutes(1), "forged deferral"));
        Assert.Equal(JobState.Running, (await Queue.GetAsync(TenantA, first.Job.Id))!.State);
        Assert.Equal(JobState.Running, (await Queue.GetAsync(TenantA, second.Job.Id))!.State);

        Assert.Equal([true, true], await Queue.CompleteBatchAsync([first, second]));
        Assert.Equal(JobState.Succeeded, (await Queue.GetAsync(TenantA, first.Job.Id))!.State);
        Assert.Equal(JobState.Succeeded, (await Queue.GetAsync(TenantA, second.Job.Id))!.State);
        Assert.Single(await Queue.GetHistoryAsync(TenantA, first.Job.Id), e => e.To == JobState.Succeeded);
    }

    [Fact]
    public async Task A_released_job_is_due_again_at_once_without_its_attempt_counted()
    {
        var job = (await Client.EnqueueAsync(TenantA, new NewJob(Noop, "{}") { MaxAttempts = 1 })).Job;
        var lease = Assert.Single(await DequeueAsync("stopping-worker"));
        Time.Advance(TimeSpan.FromSeconds(3));

        Assert.True(await Queue.ReleaseAsync(lease, "worker stopping"));

        var released = await Queue.GetAsync(TenantA, job.Id);
        Assert.Equal(JobState.Retrying, released!.State);
        Assert.Equal(0, released.Attempt);
        Assert.Equal(T0.AddSeconds(3), released.RunAt);
        Assert.Equal("worker stopping", released.LastError);
        Assert.False(await Queue.ReleaseAsync(lease, "again"));
        Assert.False(await Queue.CompleteAsync(lease));
        var next = Assert.Single(await DequeueAsync("other-worker"));
        Assert.Equal(1, next.Job.Attempt);
        Assert.True(await Queue.CompleteAsync(next));
        Assert.Equal(
            new JobEvent(job.Id, T0.AddSeconds(3), JobState.Running, JobState.Retrying, "stopping-worker", 0, "worker stopping", null),
            (await Queue.GetHistoryAsync(TenantA, job.Id))[2]);
    }

    [Fact]
    public async Task A_deferred_job_waits_until_its_run_at_without_its_attempt_counted_and_says_why()
    {
        var job = (await Client.EnqueueAsync(TenantA, new NewJob(Noop, "{}") { MaxAttempts = 1 })).Job;
        var lease = Assert.Single(await DequeueAsync("admitting-worker"));

        Assert.True(await Queue.DeferAsync(lease, T0.AddMinutes(1), "Not admitted: budget 'daily' is used up."));

        var deferred = await Queue.GetAsync(TenantA, job.Id);
        Assert.Equal(JobState.Retrying, deferred!.State);
        Assert.Equal(0, deferred.Attempt);
        Assert.Equal(T0.AddMinutes(1), deferred.RunAt);
        Assert.Equal("Not admitted: budget 'daily' is used up.", deferred.LastError);
        Assert.False(await Queue.DeferAsync(lease, T0.AddMinutes(2), "again"));
        Assert.Empty(await DequeueAsync("other-worker"));
        Time.Advance(TimeSpan.FromMinutes(1));
        var next = Assert.Single(await DequeueAsync("other-worker"));
        Assert.Equal(1, next.Job.Attempt);
        Assert.Equal(
            new JobEvent(job.Id, T0, JobState.Running, JobState.Retrying, "admitting-worker", 0, "Not admitted: budget 'daily' is used up.", null),
            (await Queue.GetHistoryAsync(TenantA, job.Id))[2]);
    }

    [Fact]
    public async Task A_heartbeat_extends_the_lease_so_the_job_is_not_rescued()
    {
        await EnqueueAsync();
        var lease = Assert.Single(await DequeueAsync("w1"));

        Time.Advance(TimeSpan.FromSeconds(20));
        Assert.True(await Queue.HeartbeatAsync(lease, Lease));
        Time.Advance(TimeSpan.FromSeconds(20));

        Assert.Equal(0, await Queue.RescueExpiredLeasesAsync(100));
        Assert.True(await Queue.CompleteAsync(lease));
    }

    [Fact]
    public async Task A_job_rescued_on_its_last_attempt_is_dead_lettered()
    {
        var job = (await Client.EnqueueAsync(TenantA, new NewJob(Noop, "{}") { MaxAttempts = 1 })).Job;
        Assert.Single(await DequeueAsync("w1"));

        Time.Advance(Lease);
        Assert.Equal(1, await Queue.RescueExpiredLeasesAsync(100));

        var dead = await Queue.GetAsync(TenantA, job.Id);
        Assert.Equal(JobState.DeadLettered, dead!.State);
        Assert.Equal(T0 + Lease, dead.FinishedAt);
    }

    [Fact]
    public async Task Rescue_takes_at_most_the_batch_size_per_call()
    {
        for (var i = 0; i < 5; i++)
        {
            await EnqueueAsync();
        }

        Assert.Equal(5, (await DequeueAsync("w1", max: 10)).Count);
        Time.Advance(Lease);

        Assert.Equal(2, await Queue.RescueExpiredLeasesAsync(2));
        Assert.Equal(2, await Queue.RescueExpiredLeasesAsync(2));
        Assert.Equal(1, await Queue.RescueExpiredLeasesAsync(2));
        Assert.Equal(0, await Queue.RescueExpiredLeasesAsync(2));
    }

    [Fact]
    public async Task Progress_is_kept_on_the_job_and_recorded_in_its_history()
    {
        var job = await EnqueueAsync();
        var lease = Assert.Single(await DequeueAsync("w1"));

        Assert.True(await Queue.ReportProgressAsync(lease, new JobProgress(40, "outline written")));
        Time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(await Queue.ReportProgressAsync(lease, new JobProgress(80, null)));

        Assert.Equal(new JobProgress(80, null), (await Queue.GetAsync(TenantA, job.Id))!.Progress);
        var progress = (await Queue.GetHistoryAsync(TenantA, job.Id)).Where(e => e.Progress is not null).ToList();
        Assert.Equal(
            [
                new JobEvent(job.Id, T0, JobState.Running, JobState.Running, "w1", 1, null, new JobProgress(40, "outline written")),
                new JobEvent(job.Id, T0.AddSeconds(1), JobState.Running, JobState.Running, "w1", 1, null, new JobProgress(80, null)),
            ],
            progress);
    }

    [Fact]
    public async Task The_history_of_a_job_that_failed_reported_progress_and_then_succeeded_lists_every_event_in_order()
    {
        var job = await EnqueueAsync();
        var first = Assert.Single(await DequeueAsync("w1"));
        Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(JobState.Retrying, await Queue.FailAsync(first, "provider timed out", T0.AddSeconds(2)));
        Time.Advance(TimeSpan.FromSeconds(1));
        var second = Assert.Single(await DequeueAsync("w2"));
        Assert.True(await Queue.ReportProgressAsync(second, new JobProgress(50, "half")));
        Time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(await Queue.CompleteAsync(second));

        Assert.Equal(
            [
                new JobEvent(job.Id, T0, null, JobState.Available, null, 0, null, null),
                new JobEvent(job.Id, T0, JobState.Available, JobState.Running, "w1", 1, null, null),
                new JobEvent(job.Id, T0.AddSeconds(1), JobState.Running, JobState.Retrying, "w1", 1, "provider timed out", null),
                new JobEvent(job.Id, T0.AddSeconds(2), JobState.Retrying, JobState.Available, null, 1, null, null),
                new JobEvent(job.Id, T0.AddSeconds(2), JobState.Available, JobState.Running, "w2", 2, null, null),
                new JobEvent(job.Id, T0.AddSeconds(2), JobState.Running, JobState.Running, "w2", 2, null, new JobProgress(50, "half")),
                new JobEvent(job.Id, T0.AddSeconds(3), JobState.Running, JobState.Succeeded, "w2", 2, null, null),
            ],
            await Queue.GetHistoryAsync(TenantA, job.Id));
    }

    [Fact]
    public async Task The_history_of_a_running_job_shows_its_lease_and_keeps_it_before_a_cancellation()
    {
        var job = await EnqueueAsync();
        Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Single(await DequeueAsync("w1"));
        JobEvent[] running =
        [
            new(job.Id, T0, null, JobState.Available, null, 0, null, null),
            new(job.Id, T0.AddSeconds(1), JobState.Available, JobState.Running, "w1", 1, null, null),
        ];
        Assert.Equal(running, await Queue.GetHistoryAsync(TenantA, job.Id));

        Time.Advance(TimeSpan.FromSeconds(1));
        await Queue.CancelAsync(TenantA, job.Id, "brief withdrawn");

        Assert.Equal(
            [.. running, new(job.Id, T0.AddSeconds(2), JobState.Running, JobState.Cancelled, null, 1, "brief withdrawn", null)],
            await Queue.GetHistoryAsync(TenantA, job.Id));
    }

    [Fact]
    public async Task The_history_of_a_deferred_and_then_rescued_job_keeps_each_lease_before_what_ended_it()
    {
        var job = await EnqueueAsync();
        var deferred = Assert.Single(await DequeueAsync("w1"));
        Time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(await Queue.DeferAsync(deferred, T0.AddSeconds(1), "not admitted"));
        Assert.Single(await DequeueAsync("w2"));
        Time.Advance(Lease + TimeSpan.FromSeconds(1));
        Assert.Equal(1, await Queue.RescueExpiredLeasesAsync(10));

        var history = await Queue.GetHistoryAsync(TenantA, job.Id);
        Assert.Equal(
            [
                (null, JobState.Available, null, 0),
                (JobState.Available, JobState.Running, "w1", 1),
                (JobState.Running, JobState.Retrying, "w1", 0),
                (JobState.Retrying, JobState.Available, null, 0),
                (JobState.Available, JobState.Running, "w2", 1),
                (JobState.Running, JobState.Retrying, "w2", 1),
            ],
            history.Select(e => (e.From, e.To, e.Worker, e.Attempt)));
        Assert.Equal(T0.AddSeconds(1), history[4].At);
    }

    [Fact]
    public async Task Cancelling_a_queued_job_finishes_it_so_no_worker_gets_it()
    {
        var job = await EnqueueAsync();

        var cancelled = await Client.CancelAsync(TenantA, job.Id, "brief withdrawn");

        Assert.Equal(JobState.Cancelled, cancelled.State);
        Assert.Equal(T0, cancelled.FinishedAt);
        Assert.Equal("brief withdrawn", cancelled.LastError);
        Assert.Empty(await DequeueAsync("w1"));
        Assert.Equal("brief withdrawn", (await Queue.GetHistoryAsync(TenantA, job.Id))[^1].Error);
    }

    [Fact]
    public async Task Cancelling_a_running_job_ends_its_lease_so_its_worker_learns_to_stop_and_cannot_complete_it()
    {
        var job = await EnqueueAsync();
        var lease = Assert.Single(await DequeueAsync("w1"));

        await Client.CancelAsync(TenantA, job.Id);

        Assert.False(await Queue.HeartbeatAsync(lease, Lease));
        Assert.False(await Queue.ReportProgressAsync(lease, new JobProgress(50, null)));
        Assert.False(await Queue.CompleteAsync(lease));
        Assert.Equal(JobState.Cancelled, (await Queue.GetAsync(TenantA, job.Id))!.State);
        Time.Advance(Lease);
        Assert.Equal(0, await Queue.RescueExpiredLeasesAsync(100));
    }

    [Fact]
    public async Task Cancelling_a_finished_job_is_refused_with_a_clear_error_and_changes_nothing()
    {
        var job = await EnqueueAsync();
        Assert.True(await Queue.CompleteAsync(Assert.Single(await DequeueAsync("w1"))));
        var before = await Queue.GetHistoryAsync(TenantA, job.Id);

        var error = await Assert.ThrowsAsync<AllixiosException>(() => Client.CancelAsync(TenantA, job.Id).AsTask());

        Assert.Equal(AllixiosErrorKind.FailedPrecondition, error.Kind);
        Assert.Equal("illegal_job_transition", error.Reason);
        Assert.Contains("succeeded", error.Message, StringComparison.Ordinal);
        Assert.Contains("cancelled", error.Message, StringComparison.Ordinal);
        Assert.Equal(JobState.Succeeded, (await Queue.GetAsync(TenantA, job.Id))!.State);
        Assert.Equal(before, await Queue.GetHistoryAsync(TenantA, job.Id));
    }

    [Fact]
    public async Task A_dead_lettered_job_can_be_re_driven_with_a_fresh_set_of_attempts()
    {
        var job = (await Client.EnqueueAsync(TenantA, new NewJob(Noop, "{}") { MaxAttempts = 1 })).Job;
        await Queue.FailAsync(Assert.Single(await DequeueAsync("w1")), "boom", retryAt: null);
        Time.Advance(TimeSpan.FromMinutes(1));

        var redriven = await Client.RedriveAsync(TenantA, job.Id);

        Assert.Equal(JobState.Available, redriven.State);
        Assert.Equal(0, redriven.Attempt);
        Assert.Null(redriven.FinishedAt);
        var lease = Assert.Single(await DequeueAsync("w1"));
        Assert.Equal(1, lease.Job.Attempt);
        Assert.True(await Queue.CompleteAsync(lease));
    }

    [Fact]
    public async Task Re_driving_a_job_that_is_not_dead_lettered_is_refused_and_changes_nothing()
    {
        var job = await EnqueueAsync();

        var error = await Assert.ThrowsAsync<AllixiosException>(() => Client.RedriveAsync(TenantA, job.Id).AsTask());

        Assert.Equal(AllixiosErrorKind.FailedPrecondition, error.Kind);
        Assert.Equal("job_not_dead_lettered", error.Reason);
        Assert.Single(await Queue.GetHistoryAsync(TenantA, job.Id));
    }

    [Fact]
    public async Task A_tenant_cannot_read_cancel_or_re_drive_another_tenants_job()
    {
        var job = await EnqueueAsync();

        Assert.Null(await Queue.GetAsync(TenantB, job.Id));
        Assert.Empty(await Queue.GetHistoryAsync(TenantB, job.Id));
        Assert.Equal(AllixiosErrorKind.NotFound, (await Assert.ThrowsAsync<AllixiosException>(() => Client.CancelAsync(TenantB, job.Id).AsTask())).Kind);
        Assert.Equal(AllixiosErrorKind.NotFound, (await Assert.ThrowsAsync<AllixiosException>(() => Client.RedriveAsync(TenantB, job.Id).AsTask())).Kind);
        Assert.Equal(AllixiosErrorKind.NotFound, (await Assert.ThrowsAsync<AllixiosException>(() => Client.GetAsync(TenantB, job.Id).AsTask())).Kind);
        Assert.Equal(JobState.Available, (await Queue.GetAsync(TenantA, job.Id))!.State);
    }

    [Fact]
    public async Task Finished_jobs_are_deleted_with_their_history_after_retention_in_batches()
    {
        var done = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            done.Add((await EnqueueAsync()).Id);
        }

        foreach (var lease in await DequeueAsync("w1", max: 10))
        {
            Assert.True(await Queue.CompleteAsync(lease));
        }

        var cancelled = await EnqueueAsync();
        await Client.CancelAsync(TenantA, cancelled.Id);
        Time.Advance(TimeSpan.FromSeconds(1));
        var pending = await EnqueueAsync();

        Assert.Equal(0, await Queue.DeleteFinishedAsync(T0, 100));
        Assert.Equal(2, await Queue.DeleteFinishedAsync(T0.AddSeconds(1), 2));
        Assert.Equal(2, await Queue.DeleteFinishedAsync(T0.AddSeconds(1), 2));
        Assert.Equal(0, await Queue.DeleteFinishedAsync(T0.AddSeconds(1), 2));

        foreach (var id in done.Append(cancelled.Id))
        {
            Assert.Null(await Queue.GetAsync(TenantA, id));
            Assert.Empty(await Queue.GetHistoryAsync(TenantA, id));
        }

        Assert.NotNull(await Queue.GetAsync(TenantA, pending.Id));
    }

    [Fact]
    public async Task An_idempotency_key_is_free_again_once_its_job_is_deleted()
    {
        var first = await Client.EnqueueAsync(TenantA, new NewJob(Noop, "{}") { IdempotencyKey = "k" });
        await Client.CancelAsync(TenantA, first.Job.Id);
        Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, await Queue.DeleteFinishedAsync(Time.GetUtcNow(), 10));

        var second = await Client.EnqueueAsync(TenantA, new NewJob(Noop, "{}") { IdempotencyKey = "k" });

        Assert.True(second.Created);
        Assert.NotEqual(first.Job.Id, second.Job.Id);
    }

    [Fact]
    public async Task An_unknown_job_type_is_refused_naming_the_registered_types_and_nothing_is_enqueued()
    {
        var error = await Assert.ThrowsAsync<AllixiosException>(() => Client.EnqueueAsync(TenantA, new NewJob("content.genrate", "{}")).AsTask());

        Assert.Equal(AllixiosErrorKind.InvalidArgument, error.Kind);
        Assert.Equal("unknown_job_type", error.Reason);
        Assert.Contains("'content.genrate'", error.Message, StringComparison.Ordinal);
        Assert.Contains(Generate, error.Message, StringComparison.Ordinal);
        await AssertQueueEmptyAsync();
    }

    [Theory]
    [InlineData("""{"words":300}""", "topic", "PropertyRequired")]
    [InlineData("""{"topic":""}""", "topic", "StringTooShort")]
    [InlineData("""{"topic":"spring","words":"many"}""", "words", "IntegerExpected")]
    [InlineData("""[1,2]""", "#", "ObjectExpected")]
    public async Task A_payload_its_schema_rejects_is_refused_listing_the_schema_errors_and_nothing_is_enqueued(string payload, string path, string kind)
    {
        var error = await Assert.ThrowsAsync<AllixiosException>(() => Client.EnqueueAsync(TenantA, new NewJob(Generate, payload)).AsTask());

        Assert.Equal(AllixiosErrorKind.InvalidArgument, error.Kind);
        Assert.Equal("invalid_payload", error.Reason);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains(kind, error.Message, StringComparison.Ordinal);
        await AssertQueueEmptyAsync();
    }

    [Theory]
    [InlineData("")]
    [InlineData("{\"topic\":")]
    public async Task A_payload_that_is_not_json_is_refused(string payload)
    {
        var error = await Assert.ThrowsAsync<AllixiosException>(() => Client.EnqueueAsync(TenantA, new NewJob(Noop, payload)).AsTask());

        Assert.Equal("invalid_payload", error.Reason);
        await AssertQueueEmptyAsync();
    }

    [Fact]
    public async Task Out_of_range_options_are_refused_each_with_its_own_reason_and_nothing_is_enqueued()
    {
        var cases = new (NewJob Job, string Reason)[]
        {
            (new NewJob(Noop, "{}") { Delay = TimeSpan.FromSeconds(-1) }, "invalid_delay"),
            (new NewJob(Noop, "{}") { Priority = 10 }, "invalid_priority"),
            (new NewJob(Noop, "{}") { Priority = -1 }, "invalid_priority"),
            (new NewJob(Noop, "{}") { MaxAttempts = 0 }, "invalid_max_attempts"),
            (new NewJob(Noop, "{}") { Timeout = TimeSpan.Zero }, "invalid_timeout"),
            (new NewJob(Noop, "{}") { Deadline = T0 }, "invalid_deadline"),
            (new NewJob(Noop, "{}") { Delay = TimeSpan.FromHours(1), Deadline = T0.AddMinutes(30) }, "invalid_deadline"),
            (new NewJob(Noop, "{}") { IdempotencyKey = " " }, "invalid_idempotency_key"),
            (new NewJob(Noop, "{}") { Tags = [""] }, "invalid_tags"),
            (new NewJob(Noop, "{}") { EstimatedCost = -0.01m }, "invalid_estimated_cost"),
            (new NewJob(Noop, "{}") { Resource = new string('x', 101) }, "invalid_resource"),
        };

        foreach (var (job, reason) in cases)
        {
            var error = await Assert.ThrowsAsync<AllixiosException>(() => Client.EnqueueAsync(TenantA, job).AsTask());
            Assert.Equal(AllixiosErrorKind.InvalidArgument, error.Kind);
            Assert.Equal(reason, error.Reason);
        }

        var badTenant = await Assert.ThrowsAsync<AllixiosException>(() => Client.EnqueueAsync("Not A Tenant", new NewJob(Noop, "{}")).AsTask());
        Assert.Equal("invalid_tenant_id", badTenant.Reason);
        await AssertQueueEmptyAsync();
    }

    [Fact(Timeout = 60_000)]
    public async Task A_waiting_worker_wakes_when_a_job_is_enqueued()
    {
        // A first wait starts the listener, where there is one; a wake-up is a hint, so an early one is allowed.
        var warmUp = Queue.WaitForWorkAsync(TimeSpan.FromSeconds(1));
        Time.Advance(TimeSpan.FromSeconds(1));
        await warmUp;
        var waiting = Queue.WaitForWorkAsync(Timeout.InfiniteTimeSpan);

        await EnqueueAsync();

        await waiting;
        Assert.Single(await DequeueAsync("w1"));
    }

    [Fact(Timeout = 60_000)]
    public async Task An_idle_wait_ends_when_its_maximum_wait_has_passed_on_the_queues_clock()
    {
        var waiting = Queue.WaitForWorkAsync(TimeSpan.FromSeconds(10));

        Time.Advance(TimeSpan.FromSeconds(10));

        await waiting;
        Assert.Empty(await DequeueAsync("w1"));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1001)]
    public async Task A_dequeue_of_fewer_than_one_or_more_than_a_thousand_jobs_is_refused(int max)
    {
        await EnqueueAsync();

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Queue.DequeueAsync(new DequeueRequest("w1", max, Lease)).AsTask());

        Assert.Single(await DequeueAsync("w1"));
    }

    /// <summary>Enqueues a <see cref="Noop"/> job for tenant A through the client.</summary>
    [Fact]
    public async Task Listing_filters_by_state_type_and_tag_and_never_shows_another_tenants_jobs()
    {
        var tagged = (await Client.EnqueueAsync(TenantA, new NewJob(Generate, """{"topic":"a"}""") { Tags = ["campaign:spring", "lang:en"] })).Job;
        var delayed = (await Client.EnqueueAsync(TenantA, new NewJob(Noop, "{}") { Delay = TimeSpan.FromHours(1) })).Job;
        var cancelled = (await Client.EnqueueAsync(TenantA, new NewJob(Noop, "{}") { Tags = ["lang:en"] })).Job;
        await Client.CancelAsync(TenantA, cancelled.Id);
        await Client.EnqueueAsync(TenantB, new NewJob(Generate, """{"topic":"b"}""") { Tags = ["campaign:spring"] });

        var all = await Client.ListAsync(new JobQuery(TenantA));
        var scheduled = await Client.ListAsync(new JobQuery(TenantA) { State = JobState.Scheduled });
        var generate = await Client.ListAsync(new JobQuery(TenantA) { Type = Generate });
        var spring = await Client.ListAsync(new JobQuery(TenantA) { Tag = "campaign:spring" });
        var englishCancelled = await Client.ListAsync(new JobQuery(TenantA) { Tag = "lang:en", State = JobState.Cancelled });
        var none = await Client.ListAsync(new JobQuery(TenantA) { Tag = "campaign" });

        Assert.Equal(new[] { tagged.Id, delayed.Id, cancelled.Id }.Order(), all.Select(j => j.Id).Order());
        Assert.Equal(all.Select(j => j.Id).Order().Reverse(), all.Select(j => j.Id));
        Assert.Equal([delayed.Id], scheduled.Select(j => j.Id));
        Assert.Equal([tagged.Id], generate.Select(j => j.Id));
        Assert.Equal([tagged.Id], spring.Select(j => j.Id));
        Assert.Equal([cancelled.Id], englishCancelled.Select(j => j.Id));
        Assert.Empty(none);
    }

    [Fact]
    public async Task Listing_a_page_at_a_time_returns_every_job_once_newest_first()
    {
        var ids = new List<Guid>();
        for (var i = 0; i < 7; i++)
        {
            ids.Add((await EnqueueAsync()).Id);
            Time.Advance(TimeSpan.FromMilliseconds(i % 2));
        }

        var seen = new List<Guid>();
        Guid? before = null;
        while (true)
        {
            var page = await Client.ListAsync(new JobQuery(TenantA) { Limit = 3, Before = before });
            seen.AddRange(page.Select(j => j.Id));
            if (page.Count < 3)
            {
                break;
            }

            before = page[^1].Id;
        }

        Assert.Equal(ids.Order().Reverse(), seen);
    }

    [Fact]
    public async Task Listing_refuses_a_page_size_out_of_range_and_blank_filters()
    {
        var tooBig = await Assert.ThrowsAsync<AllixiosException>(async () => await Client.ListAsync(new JobQuery(TenantA) { Limit = 501 }));
        var blankTag = await Assert.ThrowsAsync<AllixiosException>(async () => await Client.ListAsync(new JobQuery(TenantA) { Tag = " " }));

        Assert.Equal("invalid_page_size", tooBig.Reason);
        Assert.Equal("invalid_tag_filter", blankTag.Reason);
    }

    [Fact]
    public async Task Counts_group_a_tenants_jobs_by_type_and_state()
    {
        await EnqueueAsync();
        await EnqueueAsync();
        var cancelled = await EnqueueAsync();
        await Client.CancelAsync(TenantA, cancelled.Id);
        await Client.EnqueueAsync(TenantA, new NewJob(Generate, """{"topic":"a"}""") { Delay = TimeSpan.FromMinutes(1) });
        await Client.EnqueueAsync(TenantB, new NewJob(Noop, "{}"));

        var counts = await Client.CountAsync(TenantA);

        Assert.Equal(
            [new JobCount(Generate, JobState.Scheduled, 1), new JobCount(Noop, JobState.Available, 2), new JobCount(Noop, JobState.Cancelled, 1)],
            counts);
        Assert.Empty(await Client.CountAsync("tenant-c"));
    }

    [Fact]
    public async Task A_batch_with_one_invalid_job_enqueues_nothing_and_names_the_job()
    {
        var error = await Assert.ThrowsAsync<AllixiosException>(async () => await Client.EnqueueBatchAsync(TenantA, [
            new NewJob(Noop, "{}"),
            new NewJob(Generate, """{"topic":""}"""),
        ]));
        var batch = await Client.EnqueueBatchAsync(TenantA, [new NewJob(Noop, "{}"), new NewJob(Generate, """{"topic":"x"}""")]);

        Assert.Equal("invalid_payload", error.Reason);
        Assert.StartsWith("jobs[1]: ", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, batch.Count);
        Assert.Equal(batch.Select(e => e.Job.Id).Order().Reverse(), (await Client.ListAsync(new JobQuery(TenantA))).Select(j => j.Id));
    }

    [Fact]
    public async Task A_batch_reads_back_job_by_job_with_everything_each_was_given_and_its_creation_in_its_history()
    {
        var deadline = T0.AddHours(3);
        var batch = await Client.EnqueueBatchAsync(TenantA, [
            new NewJob(Generate, """{"topic":"spring","words":300}""") { Priority = 7, Deadline = deadline, MaxAttempts = 3, Tags = ["blog", "en"], EstimatedCost = 0.25m, Resource = "openai" },
            new NewJob(Noop, "{}") { Delay = TimeSpan.FromMinutes(5), Timeout = TimeSpan.FromMinutes(2) },
            new NewJob(Noop, """{"n":3}""") { IdempotencyKey = "third" },
        ]);

        Assert.All(batch, e => Assert.True(e.Created));
        Assert.Equal([JobState.Available, JobState.Scheduled, JobState.Available], batch.Select(e => e.Job.State));
        foreach (var enqueued in batch)
        {
            AssertSameJob(enqueued.Job, (await Client.GetAsync(TenantA, enqueued.Job.Id))!);
            var created = Assert.Single(await Client.GetHistoryAsync(TenantA, enqueued.Job.Id));
            Assert.Equal((null, enqueued.Job.State, 0, T0), (created.From, created.To, created.Attempt, created.At));
        }

        Assert.Equal(["blog", "en"], (await Client.GetAsync(TenantA, batch[0].Job.Id)).Tags);
        Assert.Equal(0.25m, (await Client.GetAsync(TenantA, batch[0].Job.Id)).EstimatedCost);
    }

    [Fact]
    public async Task A_batch_honours_idempotency_keys_row_by_row_against_earlier_jobs_and_within_the_batch()
    {
        var earlier = (await Client.EnqueueAsync(TenantA, new NewJob(Noop, """{"first":true}""") { IdempotencyKey = "brief-1" })).Job;

        var batch = await Client.EnqueueBatchAsync(TenantA, [
            new NewJob(Noop, """{"again":true}""") { IdempotencyKey = "brief-1" },
            new NewJob(Noop, "{}") { IdempotencyKey = "brief-2" },
            new NewJob(Noop, "{}"),
            new NewJob(Noop, """{"duplicate":true}""") { IdempotencyKey = "brief-2" },
        ]);

        Assert.Equal([false, true, true, false], batch.Select(e => e.Created));
        AssertSameJob(earlier, batch[0].Job);
        Assert.Equal(batch[1].Job.Id, batch[3].Job.Id);
        Assert.Equal("{}", batch[3].Job.Payload.Replace(" ", string.Empty, StringComparison.Ordinal));
        Assert.Equal(3, (await Client.ListAsync(new JobQuery(TenantA))).Count);
        var other = await Client.EnqueueBatchAsync(TenantB, [new NewJob(Noop, "{}") { IdempotencyKey = "brief-1" }]);
        Assert.True(Assert.Single(other).Created);
    }

    [Fact]
    public async Task A_batch_with_a_job_of_an_unknown_type_names_its_index_and_enqueues_nothing()
    {
        var error = await Assert.ThrowsAsync<AllixiosException>(async () => await Client.EnqueueBatchAsync(TenantA, [
            new NewJob(Noop, "{}"),
            new NewJob(Noop, "{}"),
            new NewJob("content.missing", "{}"),
        ]));

        Assert.Equal("unknown_job_type", error.Reason);
        Assert.StartsWith("jobs[2]: ", error.Message, StringComparison.Ordinal);
        Assert.Empty(await Client.ListAsync(new JobQuery(TenantA)));
        await Assert.ThrowsAsync<AllixiosException>(async () => await Client.EnqueueBatchAsync(TenantA, []));
    }

    [Fact]
    public async Task The_queue_rejects_a_batch_that_mixes_tenants_and_writes_none_of_it()
    {
        var a = (await Client.EnqueueAsync(TenantA, new NewJob(Noop, "{}"))).Job;
        var fresh = a with { Id = Guid.CreateVersion7(T0), IdempotencyKey = null };

        await Assert.ThrowsAsync<ArgumentException>(async () => await Queue.EnqueueBatchAsync([fresh, fresh with { Id = Guid.NewGuid(), TenantId = TenantB }]));
        await Assert.ThrowsAsync<ArgumentException>(async () => await Queue.EnqueueBatchAsync([fresh, fresh]));

        Assert.Single(await Client.ListAsync(new JobQuery(TenantA)));
        Assert.Empty(await Client.ListAsync(new JobQuery(TenantB)));
    }

    [Fact]
    public async Task Many_completions_at_once_each_succeed_once_and_a_stale_lease_among_them_changes_nothing()
    {
        await Client.EnqueueBatchAsync(TenantA, [.. Enumerable.Range(0, 40).Select(i => new NewJob(Noop, "{}"))]);
        var leases = await DequeueAsync("worker-1", max: 40);
        Assert.Equal(40, leases.Count);
        // The first lease's job is cancelled, and so no longer held, before the burst of completions.
        await Client.CancelAsync(TenantA, leases[0].Job.Id);

        var results = await Task.WhenAll(leases.Select(l => Queue.CompleteAsync(l).AsTask()));
        var again = await Task.WhenAll(leases.Take(5).Select(l => Queue.CompleteAsync(l).AsTask()));

        Assert.False(results[0]);
        Assert.All(results.Skip(1), Assert.True);
        Assert.All(again, Assert.False);
        Assert.Equal(JobState.Cancelled, (await Client.GetAsync(TenantA, leases[0].Job.Id)).State);
        foreach (var lease in leases.Skip(1))
        {
            Assert.Equal(JobState.Succeeded, (await Client.GetAsync(TenantA, lease.Job.Id)).State);
            var history = await Client.GetHistoryAsync(TenantA, lease.Job.Id);
            Assert.Single(history, e => e.To == JobState.Succeeded && e.Worker == "worker-1");
        }
    }

    [Fact]
    public async Task Listing_filters_by_state_type_and_tag_together_newest_first_a_page_at_a_time()
    {
        var jobs = new List<Job>();
        for (var i = 0; i < 6; i++)
        {
            Time.Advance(TimeSpan.FromMilliseconds(1));
            jobs.Add((await Client.EnqueueAsync(TenantA, new NewJob(i % 2 == 0 ? Noop : Generate, i % 2 == 0 ? "{}" : """{"topic":"t"}""") { Tags = i < 4 ? ["hot"] : [] })).Job);
        }

        await Client.CancelAsync(TenantA, jobs[0].Id);
        await Client.EnqueueAsync(TenantB, new NewJob(Noop, "{}") { Tags = ["hot"] });

        var hotNoop = await Client.ListAsync(new JobQuery(TenantA) { Type = Noop, Tag = "hot" });
        var availableHot = await Client.ListAsync(new JobQuery(TenantA) { State = JobState.Available, Tag = "hot" });
        var availableNoop = await Client.ListAsync(new JobQuery(TenantA) { State = JobState.Available, Type = Noop, Limit = 1 });
        var next = await Client.ListAsync(new JobQuery(TenantA) { State = JobState.Available, Type = Noop, Limit = 1, Before = availableNoop[0].Id });

        Assert.Equal([jobs[2].Id, jobs[0].Id], hotNoop.Select(j => j.Id));
        Assert.Equal([jobs[3].Id, jobs[2].Id, jobs[1].Id], availableHot.Select(j => j.Id));
        Assert.Equal([jobs[4].Id], availableNoop.Select(j => j.Id));
        Assert.Equal([jobs[2].Id], next.Select(j => j.Id));
    }

    [Fact]
    public async Task Watching_a_job_yields_it_now_and_again_when_it_changes_and_ends_when_it_finishes()
    {
        var job = await EnqueueAsync();
        await using var watch = Client.WatchAsync(TenantA, job.Id, TimeSpan.FromSeconds(1)).GetAsyncEnumerator();

        Assert.True(await watch.MoveNextAsync());
        Assert.Equal(JobState.Available, watch.Current.State);
        var next = watch.MoveNextAsync();
        await Client.CancelAsync(TenantA, job.Id, "no longer needed");
        Time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(await next.AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(JobState.Cancelled, watch.Current.State);
        Assert.False(await watch.MoveNextAsync());
    }

    protected async Task<Job> EnqueueAsync(int priority = 5) =>
        (await Client.EnqueueAsync(TenantA, new NewJob(Noop, "{}") { Priority = priority })).Job;

    /// <summary>Leases up to <paramref name="max"/> jobs of any type for <paramref name="worker"/>.</summary>
    protected async Task<IReadOnlyList<JobLease>> DequeueAsync(string worker, int max = 10) =>
        await Queue.DequeueAsync(new DequeueRequest(worker, max, Lease));

    private async Task AssertQueueEmptyAsync()
    {
        Time.Advance(TimeSpan.FromDays(1));
        Assert.Empty(await DequeueAsync("probe", max: 100));
    }

    private static void AssertSameJob(Job expected, Job actual)
    {
        Assert.Equal(expected with { Tags = [], Payload = string.Empty }, actual with { Tags = [], Payload = string.Empty }, new JobFieldsComparer());
        Assert.Equal(expected.Tags, actual.Tags);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected.Payload), JsonNode.Parse(actual.Payload)));
    }

    // Records compare their lists by reference; with those blanked, the rest compares field by field.
    private sealed class JobFieldsComparer : IEqualityComparer<Job>
    {
        private static readonly IReadOnlyList<string> NoTags = [];

        public bool Equals(Job? x, Job? y) => x is not null && y is not null && (x with { Tags = NoTags }) == (y with { Tags = NoTags });

        public int GetHashCode(Job obj) => obj.Id.GetHashCode();
    }
}

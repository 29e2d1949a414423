using Allixios.Orchestration;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Allixios.Testing.Orchestration;

/// <summary>
/// The contract of job dependencies and workflows (<see cref="IJobQueue.EnqueueWorkflowAsync"/> behind
/// <see cref="JobClient.EnqueueWorkflowAsync"/>); derive once per queue implementation.
/// </summary>
public abstract class JobDependencyConformance : IAsyncLifetime
{
    /// <summary>The moment each test starts at.</summary>
    protected static readonly DateTimeOffset T0 = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private const string Tenant = "tenant-a";
    private const string Step = "content.step";
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    private IJobQueue? _queue;

    /// <summary>The clock of the queue under test.</summary>
    protected FakeTimeProvider Time { get; } = new(T0);

    /// <summary>The queue under test.</summary>
    protected IJobQueue Queue => _queue ?? throw new InvalidOperationException("The queue is created in InitializeAsync.");

    private JobClient Client => new(
        Queue,
        new JobTypeRegistry([new JobTypeRegistration(Step, """{"type":"object","required":["topic"]}""")]),
        Options.Create(new OrchestrationOptions()),
        Time);

    /// <summary>Creates a fresh, empty queue whose times come from <paramref name="time"/>.</summary>
    protected abstract Task<IJobQueue> CreateQueueAsync(TimeProvider time);

    /// <inheritdoc />
    public async Task InitializeAsync() => _queue = await CreateQueueAsync(Time);

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_queue is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_step_waits_until_its_dependency_succeeds_and_then_becomes_available()
    {
        var jobs = await Client.EnqueueWorkflowAsync(Tenant, [Of("research"), Of("draft", "research")]);
        var (research, draft) = (jobs[0], jobs[1]);

        Assert.Equal(JobState.Available, research.State);
        Assert.Equal(JobState.Waiting, draft.State);
        var lease = Assert.Single(await DequeueAsync());
        Assert.Equal(research.Id, lease.Job.Id);

        Assert.True(await Queue.CompleteAsync(lease));

        Assert.Equal(JobState.Available, (await Queue.GetAsync(Tenant, draft.Id))!.State);
        Assert.Equal(draft.Id, Assert.Single(await DequeueAsync()).Job.Id);
        var history = await Queue.GetHistoryAsync(Tenant, draft.Id);
        Assert.Equal([JobState.Waiting, JobState.Available, JobState.Running], history.Select(e => e.To));
        Assert.Equal(JobState.Waiting, history[1].From);
    }

    [Fact]
    public async Task A_step_with_two_dependencies_waits_for_both_whichever_finishes_first()
    {
        var jobs = await Client.EnqueueWorkflowAsync(Tenant, [Of("outline"), Of("images"), Of("publish", "outline", "images")]);
        var leases = (await DequeueAsync()).ToDictionary(l => l.Job.Id);
        Assert.Equal(2, leases.Count);

        Assert.True(await Queue.CompleteAsync(leases[jobs[1].Id]));
        Assert.Equal(JobState.Waiting, (await Queue.GetAsync(Tenant, jobs[2].Id))!.State);
        Assert.Empty(await DequeueAsync());

        Assert.True(await Queue.CompleteAsync(leases[jobs[0].Id]));
        Assert.Equal(jobs[2].Id, Assert.Single(await DequeueAsync()).Job.Id);
    }

    [Fact]
    public async Task Dependencies_finishing_at_the_same_moment_release_their_common_dependent_exactly_once()
    {
        for (var round = 0; round < 10; round++)
        {
            var jobs = await Client.EnqueueWorkflowAsync(Tenant, [Of("a"), Of("b"), Of("c"), Of("join", "a", "b", "c")]);
            var leases = await DequeueAsync();
            Assert.Equal(3, leases.Count);

            var completed = await Task.WhenAll(leases.Select(l => Task.Run(async () => await Queue.CompleteAsync(l))));

            Assert.All(completed, Assert.True);
            Assert.Equal(JobState.Available, (await Queue.GetAsync(Tenant, jobs[3].Id))!.State);
            var history = await Queue.GetHistoryAsync(Tenant, jobs[3].Id);
            Assert.Equal([JobState.Waiting, JobState.Available], history.Select(e => e.To));
            Assert.True(await Queue.CompleteAsync(Assert.Single(await DequeueAsync())));
        }
    }

    [Fact]
    public async Task A_dead_lettered_dependency_cancels_the_steps_downstream_with_reasons_naming_it()
    {
        var jobs = await Client.EnqueueWorkflowAsync(Tenant, [Of("research", maxAttempts: 1), Of("draft", "research"), Of("publish", "draft"), Of("unrelated")]);
        var lease = (await DequeueAsync()).Single(l => l.Job.Id == jobs[0].Id);

        Assert.Equal(JobState.DeadLettered, await Queue.FailAsync(lease, "The provider refused the brief.", retryAt: null));

        var draft = (await Queue.GetAsync(Tenant, jobs[1].Id))!;
        var publish = (await Queue.GetAsync(Tenant, jobs[2].Id))!;
        Assert.Equal(JobState.Cancelled, draft.State);
        Assert.Equal($"Cancelled because dependency {jobs[0].Id} ({Step}) was dead-lettered.", draft.LastError);
        Assert.Equal(T0, draft.FinishedAt);
        Assert.Equal(JobState.Cancelled, publish.State);
        Assert.Equal($"Cancelled because dependency {jobs[1].Id} ({Step}) was cancelled.", publish.LastError);
        Assert.Equal(draft.LastError, (await Queue.GetHistoryAsync(Tenant, draft.Id))[^1].Error);
        // The step outside the failed branch was leased with research and runs on.
        Assert.Equal(JobState.Running, (await Queue.GetAsync(Tenant, jobs[3].Id))!.State);
    }

    [Fact]
    public async Task Cancelling_a_dependency_cancels_the_steps_waiting_for_it()
    {
        var jobs = await Client.EnqueueWorkflowAsync(Tenant, [Of("research"), Of("draft", "research")]);

        await Client.CancelAsync(Tenant, jobs[0].Id, "brief withdrawn");

        var draft = (await Queue.GetAsync(Tenant, jobs[1].Id))!;
        Assert.Equal(JobState.Cancelled, draft.State);
        Assert.Equal($"Cancelled because dependency {jobs[0].Id} ({Step}) was cancelled.", draft.LastError);
        Assert.Empty(await DequeueAsync());
    }

    [Fact]
    public async Task A_dependency_dead_lettered_by_the_lease_rescuer_cancels_its_dependents()
    {
        var jobs = await Client.EnqueueWorkflowAsync(Tenant, [Of("research", maxAttempts: 1), Of("draft", "research")]);
        Assert.Single(await DequeueAsync());
        Time.Advance(Lease + TimeSpan.FromSeconds(1));

        Assert.Equal(1, await Queue.RescueExpiredLeasesAsync(100));

        Assert.Equal(JobState.DeadLettered, (await Queue.GetAsync(Tenant, jobs[0].Id))!.State);
        var draft = (await Queue.GetAsync(Tenant, jobs[1].Id))!;
        Assert.Equal(JobState.Cancelled, draft.State);
        Assert.Contains(jobs[0].Id.ToString(), draft.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_waiting_step_can_be_cancelled_itself_and_its_dependency_still_runs()
    {
        var jobs = await Client.EnqueueWorkflowAsync(Tenant, [Of("research"), Of("draft", "research")]);

        var cancelled = await Client.CancelAsync(Tenant, jobs[1].Id, "not needed");

        Assert.Equal(JobState.Cancelled, cancelled.State);
        Assert.True(await Queue.CompleteAsync(Assert.Single(await DequeueAsync())));
        Assert.Equal(JobState.Cancelled, (await Queue.GetAsync(Tenant, jobs[1].Id))!.State);
    }

    [Fact]
    public async Task A_delayed_step_whose_dependencies_succeeded_is_scheduled_until_its_delay_passes()
    {
        var delayed = Of("publish", "draft") with { Job = new NewJob(Step, """{"topic":"x"}""") { Delay = TimeSpan.FromMinutes(10) } };
        var jobs = await Client.EnqueueWorkflowAsync(Tenant, [Of("draft"), delayed]);
        Assert.Equal(JobState.Waiting, jobs[1].State);

        Assert.True(await Queue.CompleteAsync(Assert.Single(await DequeueAsync())));

        Assert.Equal(JobState.Scheduled, (await Queue.GetAsync(Tenant, jobs[1].Id))!.State);
        Assert.Empty(await DequeueAsync());
        Time.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(jobs[1].Id, Assert.Single(await DequeueAsync()).Job.Id);
    }

    [Theory]
    [InlineData("cycle", "The workflow's dependencies form a cycle, so none of its steps could ever run: a -> c -> b -> a (each step waits for the next).")]
    [InlineData("unknown", "Step 'b' depends on 'nope', which is not a step of this workflow (steps: a, b).")]
    [InlineData("self", "Step 'a' depends on itself: a step can only depend on other steps.")]
    [InlineData("duplicate", "steps[1] is named 'a' like steps[0]: step names must be unique within a workflow.")]
    [InlineData("key", "Step 'a' has an idempotency key: workflow steps take none, as a workflow is enqueued whole or not at all.")]
    [InlineData("payload", "Step 'b': The payload of a 'content.step' job does not match its schema")]
    public async Task A_malformed_workflow_is_rejected_with_what_to_fix_and_nothing_is_enqueued(string malformation, string message)
    {
        WorkflowStep[] steps = malformation switch
        {
            "cycle" => [Of("a", "c"), Of("b", "a"), Of("c", "b")],
            "unknown" => [Of("a"), Of("b", "nope")],
            "self" => [Of("a", "a")],
            "duplicate" => [Of("a"), Of("a")],
            "key" => [Of("a") with { Job = new NewJob(Step, """{"topic":"x"}""") { IdempotencyKey = "k" } }],
            _ => [Of("a"), Of("b", "a") with { Job = new NewJob(Step, "{}") }],
        };

        var error = await Assert.ThrowsAsync<AllixiosException>(async () => await Client.EnqueueWorkflowAsync(Tenant, steps));

        Assert.Equal(AllixiosErrorKind.InvalidArgument, error.Kind);
        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
        Assert.Empty(await Queue.ListAsync(new JobQuery(Tenant)));
    }

    private static WorkflowStep Of(string name, params string[] dependsOn) => new(name, new NewJob(Step, $$"""{"topic":"{{name}}"}""")) { DependsOn = dependsOn };

    private static WorkflowStep Of(string name, int maxAttempts) => new(name, new NewJob(Step, $$"""{"topic":"{{name}}"}""") { MaxAttempts = maxAttempts });

    private async Task<IReadOnlyList<JobLease>> DequeueAsync() => await Queue.DequeueAsync(new DequeueRequest("w1", 10, Lease));
}

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using Allixios.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Allixios.Orchestration;

/// <summary>
/// The hosted worker: leases jobs of the types this process has handlers for through the <see cref="FairScheduler"/>
/// (tenants share it by weight, within their caps), runs up to
/// <see cref="OrchestrationOptions.Concurrency"/> at once, renews their leases while they run, and records each outcome.
/// It also rescues jobs whose leases expired and deletes finished jobs past their retention.
/// </summary>
internal sealed partial class JobWorker(
    IJobQueue queue,
    FairScheduler scheduler,
    JobAdmission admission,
    JobTypeRegistry types,
    IServiceScopeFactory scopes,
    IOptions<OrchestrationOptions> options,
    IOptions<AllixiosOptions> engine,
    TimeProvider time,
    ILogger<JobWorker> logger) : BackgroundService
{
    private static readonly MethodInfo InvokeMethod = typeof(JobWorker).GetMethod(nameof(InvokeAsync), BindingFlags.NonPublic | BindingFlags.Static)!;

    private static readonly TimeSpan MaxTimer = TimeSpan.FromDays(30);

    // How long a backlogged worker waits for more free slots to lease them in one batch.
    private static readonly TimeSpan BatchGatherWindow = TimeSpan.FromMilliseconds(2);

    private readonly ConcurrentDictionary<Type, Func<IServiceProvider, Job, Type, IJobAttempt, ValueTask>> _invokers = new();

    // Set once when the work starts, before any job runs.
    private OrchestrationOptions _settings = null!;
    private CancellationToken _stopping;
    private WorkerSlots _slots = null!;
    private WorkerCompletions _completions = null!;

    // The jobs whose handlers are running, by slot: what the heartbeat loop renews.
    private JobRun?[] _running = [];

    /// <summary>This worker's id in leases and job histories: the instance name and a random suffix, unique per process.</summary>
    public string WorkerId { get; } = $"{engine.Value.InstanceName}/{Guid.NewGuid().ToString("N")[..8]}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var handled = types.Names.Where(n => types.Find(n)!.HandlerType is not null).ToList();
        if (!settings.RunWorker)
        {
            return;
        }

        var maintenance = MaintainAsync(settings, stoppingToken);
        if (handled.Count > 0)
        {
            await WorkAsync(settings, handled, stoppingToken);
        }

        await maintenance;
    }

    private async Task WorkAsync(OrchestrationOptions settings, List<string> handled, CancellationToken stoppingToken)
    {
        _settings = settings;
        _stopping = stoppingToken;
        _slots = new WorkerSlots(settings.Concurrency);
        _running = new JobRun?[settings.Concurrency];
        // Successes waiting to be recorded hold no slot; as many as four times the slots may wait, so a slow write slows
        // the worker down rather than piling them up.
        _completions = new WorkerCompletions(queue, OnCompletionsRecorded, maxPending: settings.Concurrency * 4);

        // One dequeue in flight at a time. Dequeues of one worker in flight together lease from the head of the same
        // tenant's queue, and each one steps over (reads and tries to lock) the rows the others hold: with four of them a
        // leased job cost the database twice the buffer reads (36 instead of 19) and three times the time of the claim.
        using var stopHeartbeats = new CancellationTokenSource();
        var heartbeats = HeartbeatAsync(settings, stopHeartbeats.Token);
        await DispatchAsync(settings, handled, stoppingToken);

        // Every leased job holds a slot until its handler returned and its outcome is recorded or handed to the completion
        // group: all slots free and no success pending means all have finished.
        await _slots.WaitAsync(settings.Concurrency, Timeout.InfiniteTimeSpan, CancellationToken.None);
        await _completions.WaitForEmptyAsync();
        await stopHeartbeats.CancelAsync();
        await heartbeats;
    }

    private async Task DispatchAsync(OrchestrationOptions settings, List<string> handled, CancellationToken stoppingToken)
    {
        // While the queue is backlogged, a dequeue per freed slot would cost a round trip per job: the loop waits briefly
        // for half of the slots to be free and leases them in one batch. The wait is bounded, so slots never idle
        // long behind long-running jobs, and skipped when the last dequeue found less than it asked for (no backlog:
        // a new job is leased at once).
        var batchMinimum = Math.Max(1, settings.Concurrency / 2);
        var backlogged = false;
        var held = new int[Math.Min(settings.Concurrency, DequeueRequest.MaxBatchSize)];
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            int count;
            try
            {
                if (_completions.Pending >= settings.Concurrency * 4)
                {
                    await _completions.WaitForRoomAsync(stoppingToken);
                }

                await _slots.WaitAsync(1, Timeout.InfiniteTimeSpan, stoppingToken);
                if (backlogged)
                {
                    await _slots.WaitAsync(batchMinimum, BatchGatherWindow, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }

            count = _slots.Take(held);
            if (count == 0)
            {
                // Woken without a free slot (the wait is a hint): wait again.
                continue;
            }

            IReadOnlyList<JobLease> leases;
            try
            {
                leases = await scheduler.DequeueAsync(WorkerId, count, settings.LeaseDuration, handled, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                // The host is stopping; the running jobs see the same token and hand their jobs back.
                _slots.Return(held.AsSpan(0, count));
                return;
            }
            catch (Exception e)
            {
                _slots.Return(held.AsSpan(0, count));
                LogWorkerError(e);
                await Task.Delay(settings.PollInterval, time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                continue;
            }

            backlogged = leases.Count == count;
            _slots.Return(held.AsSpan(leases.Count, count - leases.Count));
            for (var i = 0; i < leases.Count; i++)
            {
                // Each job runs as its own thread-pool item and keeps its slot until its outcome is recorded.
                ThreadPool.UnsafeQueueUserWorkItem(new JobRun(this, leases[i], held[i]), preferLocal: true);
            }

            if (leases.Count == 0)
            {
                await queue.WaitForWorkAsync(settings.PollInterval, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    /// <summary>
    /// Runs a leased job; its slot is given back once its outcome is recorded, or handed to the completion group (which
    /// tells the scheduler when it is recorded).
    /// </summary>
    internal async Task RunAndFinishAsync(JobRun run)
    {
        var handedOver = false;
        try
        {
            handedOver = await RunAsync(run, _settings, _stopping);
        }
        catch (Exception e)
        {
            // The outcome could not be recorded (the queue is unreachable): the lease expires and the job is rescued.
            LogWorkerError(e);
        }
        finally
        {
            if (!handedOver)
            {
                scheduler.OnJobFinished(run.Lease.Job.TenantId);
            }

            _slots.Return(run.Slot);
        }
    }

    internal ValueTask ReportProgressAsync(JobLease lease, JobProgress progress, CancellationToken cancellationToken)
    {
        var reported = queue.ReportProgressAsync(lease, progress, cancellationToken);
        return reported.IsCompletedSuccessfully ? ValueTask.CompletedTask : new ValueTask(reported.AsTask());
    }

    // Called by the completion group with each success's outcome (or the error that kept the group from being recorded).
    private void OnCompletionsRecorded(List<JobRun> group, IReadOnlyList<bool>? completed, Exception? failure)
    {
        try
        {
            if (failure is not null)
            {
                // The lease of each expires and its job is rescued, as when a single completion fails.
                LogWorkerError(failure);
            }

            for (var i = 0; i < group.Count && completed is not null; i++)
            {
                var run = group[i];
                if (!completed[i])
                {
                    LogLeaseLost(run.Lease.Job.Id, run.Lease.Job.Type);
                }

                Record(run.Lease.Job, completed[i] ? "succeeded" : "lease_lost", run.Started);
            }
        }
        finally
        {
            // A group is mostly one tenant's jobs: told as runs of the same tenant.
            for (int i = 0, first = 0; i < group.Count; i++)
            {
                var tenant = group[i].Lease.Job.TenantId;
                if (i + 1 == group.Count || !string.Equals(group[i + 1].Lease.Job.TenantId, tenant, StringComparison.Ordinal))
                {
                    scheduler.OnJobsFinished(tenant, i + 1 - first);
                    first = i + 1;
                }
            }
        }
    }

    // True when the outcome was handed to the completion group, which then finishes the run.
    private async ValueTask<bool> RunAsync(JobRun run, OrchestrationOptions settings, CancellationToken stoppingToken)
    {
        var lease = run.Lease;
        var job = lease.Job;
        var registration = types.Find(job.Type);
        // A trace of its own, linked to the span that enqueued the job (as messaging spans are): the run may come long
        // after the enqueue, in another process. Nothing is parsed or started when nobody listens.
        Activity? activity = null;
        if (AllixiosTelemetry.ActivitySource.HasListeners())
        {
            ActivityLink[]? links = job.TraceParent is { } traceParent && ActivityContext.TryParse(traceParent, null, out var enqueued) ? [new ActivityLink(enqueued)] : null;
            activity = AllixiosTelemetry.ActivitySource.StartActivity("job.run", ActivityKind.Consumer, parentContext: default, links: links);
            activity?.SetTag("allixios.job.id", job.Id);
            activity?.SetTag("allixios.job.type", job.Type);
            activity?.SetTag("allixios.tenant", job.TenantId);
        }

        using var traced = activity;
        var started = time.GetTimestamp();
        run.Started = started;

        if (AllixiosTelemetry.JobWaitTime.Enabled)
        {
            // Waited from when it was due (enqueued, end of its delay or backoff) until this worker leased it.
            var waited = time.GetUtcNow() - (job.RunAt > job.CreatedAt ? job.RunAt : job.CreatedAt);
            AllixiosTelemetry.JobWaitTime.Record(
                Math.Max(0, waited.TotalSeconds),
                new KeyValuePair<string, object?>("job_type", job.Type),
                new KeyValuePair<string, object?>("tenant", JobMetricTags.Tenant(job.TenantId, settings.MetricsMaxTenants)));
        }

        if (registration?.HandlerType is null)
        {
            CountFailure(job, "no_handler", settings);
            await SettleAsync(lease, "dead_lettered", queue.FailAsync(lease, $"No handler for job type '{job.Type}' is registered in this process.", retryAt: null, CancellationToken.None), started);
            return false;
        }

        if (job.Deadline is { } passed && passed <= time.GetUtcNow())
        {
            CountFailure(job, "deadline", settings);
            await SettleAsync(lease, "dead_lettered", queue.FailAsync(lease, $"The job's deadline {passed:O} passed before it could run.", retryAt: null, CancellationToken.None), started);
            return false;
        }

        AdmissionDecision admitted;
        try
        {
            admitted = await admission.AdmitAsync(job, stoppingToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || stoppingToken.IsCancellationRequested)
        {
            // Budgets or rate limits could not be checked (their store is unreachable), or the host is stopping: hand the
            // job back uncounted rather than run it unchecked.
            LogWorkerError(e);
            var deferred = await queue.DeferAsync(lease, time.GetUtcNow() + settings.PollInterval, $"Not admitted: budgets or rate limits could not be checked ({e.GetType().Name}); it is tried again.", CancellationToken.None);
            Record(job, deferred ? "deferred" : "lease_lost", started);
            return false;
        }

        if (!admitted.Admitted)
        {
            // Refused by a budget or a rate limit: not the job's fault, so a deferral does not spend an attempt.
            await (admitted.Policy == AdmissionRefusalPolicy.Defer
                ? SettleAsync(lease, "deferred", DeferAsync(lease, admitted), started)
                : SettleAsync(lease, "dead_lettered", queue.FailAsync(lease, admitted.Reason!, retryAt: null, CancellationToken.None), started));
            return false;
        }

        if (admitted.Reservation is null)
        {
            // No budget to settle: a success can be recorded with others, unless a trace is waiting for it.
            return await RunAdmittedAsync(run, registration, settings, activity, stoppingToken) == Outcome.HandedOver;
        }

        var cost = new JobCost(admitted.Reservation);
        run.Cost = cost;
        var succeeded = false;
        try
        {
            succeeded = await RunAdmittedAsync(run, registration, settings, activity, stoppingToken) == Outcome.Succeeded;
        }
        finally
        {
            await admission.FinishAsync(job, cost, succeeded);
        }

        return false;
    }

    private async ValueTask<JobState?> DeferAsync(JobLease lease, AdmissionDecision admitted) =>
        await queue.DeferAsync(lease, admitted.RetryAt, admitted.Reason!, CancellationToken.None) ? JobState.Retrying : null;

    private async ValueTask<Outcome> RunAdmittedAsync(JobRun run, JobTypeRegistration registration, OrchestrationOptions settings, Activity? activity, CancellationToken stoppingToken)
    {
        var lease = run.Lease;
        var job = lease.Job;
        var started = run.Started;

        // A timer cannot run longer than about 49 days; an attempt never needs to (the client allows 24 h at most), and
        // a deadline further away than the timeout can only be reached after the timeout fired. The attempt's token is
        // cancelled by whichever comes first: its time limit (the timeout or the deadline, whichever is nearer), the host
        // stopping, or the heartbeat finding the lease lost; which one it was is read from the state after. Its token
        // source (and timer) is made only when the handler reads the token (see JobRun).
        var attemptTime = job.Timeout < MaxTimer ? job.Timeout : MaxTimer;
        var untilDeadline = job.Deadline is { } at ? at - time.GetUtcNow() : TimeSpan.MaxValue;
        var byDeadline = untilDeadline < attemptTime;
        var limit = byDeadline ? (untilDeadline > TimeSpan.Zero ? untilDeadline : TimeSpan.Zero) : attemptTime;
        run.BeginAttempt(limit, time, stoppingToken);
        Volatile.Write(ref _running[run.Slot], run);
        Exception? failure = null;
        try
        {
            var invoke = _invokers.GetOrAdd(registration.PayloadType!, CreateInvoker);
            await using var scope = scopes.CreateAsyncScope();
            await invoke(scope.ServiceProvider, job, registration.HandlerType!, run);
        }
        catch (Exception e)
        {
            failure = e;
        }
        finally
        {
            Volatile.Write(ref _running[run.Slot], null);
        }

        var cancelled = run.EndAttempt();
        if (run.LeaseLost)
        {
            LogLeaseLost(job.Id, job.Type);
            Record(job, "lease_lost", started);
            return Outcome.NotSucceeded;
        }

        if (failure is null)
        {
            if (activity is null && run.Cost is null)
            {
                _completions.Add(run);
                return Outcome.HandedOver;
            }

            if (!await queue.CompleteAsync(lease, CancellationToken.None))
            {
                LogLeaseLost(job.Id, job.Type);
                Record(job, "lease_lost", started);
                return Outcome.NotSucceeded;
            }

            Record(job, "succeeded", started);
            return Outcome.Succeeded;
        }

        // Only the time limit and the host stopping cancel the token once the lease is known to be held; a timer may fire
        // a moment before the limit by the clock (it counts whole milliseconds), so without a stop it was the limit.
        var expired = cancelled && (!stoppingToken.IsCancellationRequested || run.AttemptElapsed >= limit);
        if (failure is OperationCanceledException && stoppingToken.IsCancellationRequested && !expired)
        {
            // A deploy or scale-down is not the job's fault: hand it back without spending one of its attempts.
            var released = await queue.ReleaseAsync(lease, "The worker stopped before the job finished; the attempt was not counted.", CancellationToken.None);
            Record(job, released ? "released" : "lease_lost", started);
            return Outcome.NotSucceeded;
        }

        var now = time.GetUtcNow();
        var (message, retryAt) = failure switch
        {
            OperationCanceledException when expired && byDeadline => ($"The job's deadline {job.Deadline:O} passed while it ran.", (DateTimeOffset?)null),
            OperationCanceledException when expired => ($"The attempt timed out after {job.Timeout}.", now + Backoff(job.Attempt, settings)),
            PayloadException e => (e.Message, null),
            _ => ($"{failure.GetType().Name}: {failure.Message}", now + Backoff(job.Attempt, settings)),
        };
        LogAttemptFailed(failure, job.Id, job.Type, job.Attempt, message);
        CountFailure(
            job,
            failure switch
            {
                OperationCanceledException when expired && byDeadline => "deadline",
                OperationCanceledException when expired => "timeout",
                PayloadException => "payload",
                _ => failure.GetType().Name,
            },
            settings);
        activity?.SetStatus(ActivityStatusCode.Error, message);
        var state = await queue.FailAsync(lease, message, retryAt, CancellationToken.None);
        Record(job, state is { } s ? JobStates.ToName(s) : "lease_lost", started);
        return Outcome.NotSucceeded;
    }

    private async Task SettleAsync(JobLease lease, string outcome, ValueTask<JobState?> settle, long started)
    {
        var state = await settle;
        Record(lease.Job, state is null ? "lease_lost" : outcome, started);
    }

    private void Record(Job job, string outcome, long started)
    {
        if (!AllixiosTelemetry.JobAttempts.Enabled && !AllixiosTelemetry.JobRunTime.Enabled && !AllixiosTelemetry.JobsCompleted.Enabled)
        {
            return;
        }

        var tenant = JobMetricTags.Tenant(job.TenantId, options.Value.MetricsMaxTenants);
        var tags = new TagList { { "job_type", job.Type }, { "outcome", outcome }, { "tenant", tenant } };
        AllixiosTelemetry.JobAttempts.Add(1, tags);
        AllixiosTelemetry.JobRunTime.Record(time.GetElapsedTime(started).TotalSeconds, tags);
        if (outcome is "succeeded" or "dead_lettered")
        {
            AllixiosTelemetry.JobsCompleted.Add(1, tags);
        }
    }

    private static void CountFailure(Job job, string failure, OrchestrationOptions settings)
    {
        if (!AllixiosTelemetry.JobFailures.Enabled)
        {
            return;
        }

        AllixiosTelemetry.JobFailures.Add(
            1,
            new KeyValuePair<string, object?>("job_type", job.Type),
            new KeyValuePair<string, object?>("tenant", JobMetricTags.Tenant(job.TenantId, settings.MetricsMaxTenants)),
            new KeyValuePair<string, object?>("failure", failure));
    }

    // One loop renews every running job's lease, instead of a timer and a task per job.
    private async Task HeartbeatAsync(OrchestrationOptions settings, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(settings.HeartbeatInterval, time, stop);
                var renewals = new List<Task>();
                for (var i = 0; i < _running.Length; i++)
                {
                    if (Volatile.Read(ref _running[i]) is { } running)
                    {
                        renewals.Add(RenewAsync(running, settings, stop));
                    }
                }

                await Task.WhenAll(renewals);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private async Task RenewAsync(JobRun running, OrchestrationOptions settings, CancellationToken stop)
    {
        try
        {
            if (!await queue.HeartbeatAsync(running.Lease, settings.LeaseDuration, stop))
            {
                // Cancelled by a user, or rescued after a stall: stop the handler; its result would be discarded anyway.
                running.LeaseLost = true;
                await running.CancelAttemptAsync();
            }
        }
        catch (ObjectDisposedException)
        {
            // The job finished while its lease was being renewed.
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A missed heartbeat is not fatal: the lease outlasts a few, and the next one may get through.
            LogWorkerError(e);
        }
    }

    private async Task MaintainAsync(OrchestrationOptions settings, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                int rescued = 0, deleted = 0, batch;
                do
                {
                    batch = await queue.RescueExpiredLeasesAsync(settings.MaintenanceBatchSize, stoppingToken);
                    rescued += batch;
                }
                while (batch == settings.MaintenanceBatchSize);

                var cutoff = time.GetUtcNow() - settings.FinishedJobRetention;
                do
                {
                    batch = await queue.DeleteFinishedAsync(cutoff, settings.MaintenanceBatchSize, stoppingToken);
                    deleted += batch;
                }
                while (batch == settings.MaintenanceBatchSize);

                if (rescued + deleted > 0)
                {
                    LogMaintenance(rescued, deleted);
                }

                await Task.Delay(settings.MaintenanceInterval, time, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogWorkerError(e);
                await Task.Delay(settings.MaintenanceInterval, time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private static TimeSpan Backoff(int attempt, OrchestrationOptions settings) =>
        RetryBackoff.Delay(attempt, settings.RetryBaseDelay, settings.RetryMaxDelay, Random.Shared.NextDouble());

    private static Func<IServiceProvider, Job, Type, IJobAttempt, ValueTask> CreateInvoker(Type payloadType) =>
        InvokeMethod.MakeGenericMethod(payloadType).CreateDelegate<Func<IServiceProvider, Job, Type, IJobAttempt, ValueTask>>();

    private static async ValueTask InvokeAsync<TPayload>(IServiceProvider services, Job job, Type handlerType, IJobAttempt attempt)
    {
        TPayload payload;
        try
        {
            payload = JsonSerializer.Deserialize<TPayload>(job.Payload, JsonSerializerOptions.Web)!;
        }
        catch (JsonException e)
        {
            throw new PayloadException($"The payload cannot be read as {typeof(TPayload).Name}: {e.Message}", e);
        }

        var handler = (IJobHandler<TPayload>)services.GetRequiredService(handlerType);
        await handler.HandleAsync(new JobContext<TPayload>(job, payload, attempt));
    }

    [LoggerMessage(EventId = 2001, EventName = "JobAttemptFailed", Level = LogLevel.Warning, Message = "Job {JobId} ({JobType}) attempt {Attempt} failed: {Failure}")]
    private partial void LogAttemptFailed(Exception exception, Guid jobId, string jobType, int attempt, string failure);

    [LoggerMessage(EventId = 2002, EventName = "JobLeaseLost", Level = LogLevel.Information, Message = "Job {JobId} ({JobType}) was cancelled or rescued while it ran here; its result was discarded.")]
    private partial void LogLeaseLost(Guid jobId, string jobType);

    [LoggerMessage(EventId = 2003, EventName = "JobWorkerError", Level = LogLevel.Warning, Message = "The job worker could not reach its queue; it tries again.")]
    private partial void LogWorkerError(Exception exception);

    [LoggerMessage(EventId = 2004, EventName = "JobMaintenance", Level = LogLevel.Information, Message = "Rescued {Rescued} jobs with expired leases and deleted {Deleted} finished jobs past retention.")]
    private partial void LogMaintenance(int rescued, int deleted);

    private enum Outcome
    {
        // The success was handed to the completion group, which records it and finishes the run.
        HandedOver,
        Succeeded,
        NotSucceeded,
    }

    // A payload the handler's type cannot read will not read better on a retry: it dead-letters at once.
    private sealed class PayloadException(string message, Exception inner) : Exception(message, inner);
}

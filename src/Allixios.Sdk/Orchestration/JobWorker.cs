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

    private readonly ConcurrentDictionary<Guid, RunningJob> _running = new();

        private readonly ConcurrentDictionary<Type, Func<IServiceProvider, Job, Type, Func<JobProgress, CancellationToken, ValueTask>, JobCost, CancellationToken, ValueTask>> _invokers = new();

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
        using var slots = new SemaphoreSlim(settings.Concurrency, settings.Concurrency);
        // While the queue is backlogged, a dequeue per freed slot would cost a round trip per job: the worker waits briefly
        // for a quarter of its slots to be free and leases them in one batch. The wait is bounded, so slots never idle
        // long behind long-running jobs, and skipped when the last dequeue found less than it asked for (no backlog:
        // a new job is leased at once).
        var batchMinimum = Math.Max(1, settings.Concurrency / 4);
        var backlogged = false;
        var held = 0;
        using var stopHeartbeats = new CancellationTokenSource();
        var heartbeats = HeartbeatAsync(settings, stopHeartbeats.Token);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await slots.WaitAsync(stoppingToken);
                held = 1 + TakeFree(slots);
                if (backlogged && held < batchMinimum)
                {
                    var gathering = time.GetTimestamp();
                    while (held < batchMinimum)
                    {
                        var left = BatchGatherWindow - time.GetElapsedTime(gathering);
                        if (left <= TimeSpan.Zero || !await slots.WaitAsync(left, stoppingToken))
                        {
                            break;
                        }

                        held += 1 + TakeFree(slots);
                    }
                }

                IReadOnlyList<JobLease> leases;
                try
                {
                    leases = await scheduler.DequeueAsync(WorkerId, held, settings.LeaseDuration, handled, stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    slots.Release(held);
                    held = 0;
                    LogWorkerError(e);
                    await Task.Delay(settings.PollInterval, time, stoppingToken);
                    continue;
                }

                backlogged = leases.Count == held;
                if (held > leases.Count)
                {
                    slots.Release(held - leases.Count);
                }

                held = 0;
                foreach (var lease in leases)
                {
                    // Each job keeps its slot until it has finished; the drain below takes every slot back.
                    _ = RunAndReleaseAsync(lease);
                }

                if (leases.Count == 0)
                {
                    await queue.WaitForWorkAsync(settings.PollInterval, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The host is stopping; the running jobs see the same token and hand their jobs back below.
            if (held > 0)
            {
                slots.Release(held);
            }
        }

        // Every running job holds a slot until it has recorded its outcome: holding them all means all have finished.
        for (var i = 0; i < settings.Concurrency; i++)
        {
            await slots.WaitAsync(CancellationToken.None);
        }

        await stopHeartbeats.CancelAsync();
        await heartbeats;

        async Task RunAndReleaseAsync(JobLease lease)
        {
            try
            {
                await Task.Yield();
                await RunAsync(lease, settings, stoppingToken);
            }
            catch (Exception e)
            {
                // The outcome could not be recorded (the queue is unreachable): the lease expires and the job is rescued.
                LogWorkerError(e);
            }
            finally
            {
                scheduler.OnJobFinished(lease.Job.TenantId);
                slots.Release();
            }
        }
    }

    private static int TakeFree(SemaphoreSlim slots)
    {
        var taken = 0;
        while (slots.Wait(0, CancellationToken.None))
        {
            taken++;
        }

        return taken;
    }

    private async Task RunAsync(JobLease lease, OrchestrationOptions settings, CancellationToken stoppingToken)
    {
        var job = lease.Job;
        var registration = types.Find(job.Type);
        // A trace of its own, linked to the span that enqueued the job (as messaging spans are): the run may come long
        // after the enqueue, in another process.
        ActivityLink[]? links = job.TraceParent is { } traceParent && ActivityContext.TryParse(traceParent, null, out var enqueued) ? [new ActivityLink(enqueued)] : null;
        using var activity = AllixiosTelemetry.ActivitySource.StartActivity("job.run", ActivityKind.Consumer, parentContext: default, links: links);
        activity?.SetTag("allixios.job.id", job.Id);
        activity?.SetTag("allixios.job.type", job.Type);
        activity?.SetTag("allixios.tenant", job.TenantId);
        var started = time.GetTimestamp();

        // Waited from when it was due (enqueued, end of its delay or backoff) until this worker leased it.
        var waited = time.GetUtcNow() - (job.RunAt > job.CreatedAt ? job.RunAt : job.CreatedAt);
        AllixiosTelemetry.JobWaitTime.Record(
            Math.Max(0, waited.TotalSeconds),
            new KeyValuePair<string, object?>("job_type", job.Type),
            new KeyValuePair<string, object?>("tenant", JobMetricTags.Tenant(job.TenantId, settings.MetricsMaxTenants)));
        if (registration?.HandlerType is null)
        {
            CountFailure(job, "no_handler", settings);
            await SettleAsync(lease, "dead_lettered", queue.FailAsync(lease, $"No handler for job type '{job.Type}' is registered in this process.", retryAt: null, CancellationToken.None), started);
            return;
        }

        if (job.Deadline is { } passed && passed <= time.GetUtcNow())
        {
            CountFailure(job, "deadline", settings);
            await SettleAsync(lease, "dead_lettered", queue.FailAsync(lease, $"The job's deadline {passed:O} passed before it could run.", retryAt: null, CancellationToken.None), started);
            return;
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
            return;
        }

        if (!admitted.Admitted)
        {
            // Refused by a budget or a rate limit: not the job's fault, so a deferral does not spend an attempt.
            await (admitted.Policy == AdmissionRefusalPolicy.Defer
                ? SettleAsync(lease, "deferred", DeferAsync(lease, admitted), started)
                : SettleAsync(lease, "dead_lettered", queue.FailAsync(lease, admitted.Reason!, retryAt: null, CancellationToken.None), started));
            return;
        }

        var cost = new JobCost(admitted.Reservation);
        var succeeded = false;
        try
        {
            succeeded = await RunAdmittedAsync(lease, registration, settings, cost, started, activity, stoppingToken);
        }
        finally
        {
            await admission.FinishAsync(job, cost, succeeded);
        }
    }

    private async ValueTask<JobState?> DeferAsync(JobLease lease, AdmissionDecision admitted) =>
        await queue.DeferAsync(lease, admitted.RetryAt, admitted.Reason!, CancellationToken.None) ? JobState.Retrying : null;

    private async Task<bool> RunAdmittedAsync(JobLease lease, JobTypeRegistration registration, OrchestrationOptions settings, JobCost cost, long started, Activity? activity, CancellationToken stoppingToken)
    {
        var job = lease.Job;

        // A timer cannot run longer than about 49 days; an attempt never needs to (the client allows 24 h at most), and
        // a deadline further away than the timeout can only be reached after the timeout fired. One token source per
        // attempt, cancelled by whichever comes first: its time limit (the timeout or the deadline, whichever is nearer),
        // the host stopping, or the heartbeat finding the lease lost; which one it was is read from the state after.
        var attemptTime = job.Timeout < MaxTimer ? job.Timeout : MaxTimer;
        var untilDeadline = job.Deadline is { } at ? at - time.GetUtcNow() : TimeSpan.MaxValue;
        var byDeadline = untilDeadline < attemptTime;
        var limit = byDeadline ? (untilDeadline > TimeSpan.Zero ? untilDeadline : TimeSpan.Zero) : attemptTime;
        var attemptStarted = time.GetTimestamp();
        using var attempt = new CancellationTokenSource(limit, time);
        using var stopping = stoppingToken.UnsafeRegister(static s => ((CancellationTokenSource)s!).Cancel(), attempt);
        var running = new RunningJob(lease, attempt);
        _running[lease.Token] = running;
        Exception? failure = null;
        try
        {
            var invoke = _invokers.GetOrAdd(registration.PayloadType!, CreateInvoker);
            await using var scope = scopes.CreateAsyncScope();
            await invoke(scope.ServiceProvider, job, registration.HandlerType!, (progress, ct) => ReportAsync(lease, progress, ct), cost, attempt.Token);
        }
        catch (Exception e)
        {
            failure = e;
        }
        finally
        {
            _running.TryRemove(lease.Token, out _);
        }

        if (running.LeaseLost)
        {
            LogLeaseLost(job.Id, job.Type);
            Record(job, "lease_lost", started);
            return false;
        }

        if (failure is null)
        {
            if (!await queue.CompleteAsync(lease, CancellationToken.None))
            {
                LogLeaseLost(job.Id, job.Type);
                Record(job, "lease_lost", started);
                return false;
            }

            Record(job, "succeeded", started);
            return true;
        }

        var expired = attempt.IsCancellationRequested && time.GetElapsedTime(attemptStarted) >= limit;
        if (failure is OperationCanceledException && stoppingToken.IsCancellationRequested && !expired)
        {
            // A deploy or scale-down is not the job's fault: hand it back without spending one of its attempts.
            var released = await queue.ReleaseAsync(lease, "The worker stopped before the job finished; the attempt was not counted.", CancellationToken.None);
            Record(job, released ? "released" : "lease_lost", started);
            return false;
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
        return false;
    }

    private async Task SettleAsync(JobLease lease, string outcome, ValueTask<JobState?> settle, long started)
    {
        var state = await settle;
        Record(lease.Job, state is null ? "lease_lost" : outcome, started);
    }

    private void Record(Job job, string outcome, long started)
    {
        var tenant = JobMetricTags.Tenant(job.TenantId, options.Value.MetricsMaxTenants);
        var tags = new TagList { { "job_type", job.Type }, { "outcome", outcome }, { "tenant", tenant } };
        AllixiosTelemetry.JobAttempts.Add(1, tags);
        AllixiosTelemetry.JobRunTime.Record(time.GetElapsedTime(started).TotalSeconds, tags);
        if (outcome is "succeeded" or "dead_lettered")
        {
            AllixiosTelemetry.JobsCompleted.Add(1, tags);
        }
    }

    private static void CountFailure(Job job, string failure, OrchestrationOptions settings) =>
        AllixiosTelemetry.JobFailures.Add(
            1,
            new KeyValuePair<string, object?>("job_type", job.Type),
            new KeyValuePair<string, object?>("tenant", JobMetricTags.Tenant(job.TenantId, settings.MetricsMaxTenants)),
            new KeyValuePair<string, object?>("failure", failure));

    // One loop renews every running job's lease, instead of a timer and a task per job.
    private async Task HeartbeatAsync(OrchestrationOptions settings, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(settings.HeartbeatInterval, time, stop);
                await Task.WhenAll(_running.Values.Select(r => RenewAsync(r, settings, stop)));
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private async Task RenewAsync(RunningJob running, OrchestrationOptions settings, CancellationToken stop)
    {
        try
        {
            if (!await queue.HeartbeatAsync(running.Lease, settings.LeaseDuration, stop))
            {
                // Cancelled by a user, or rescued after a stall: stop the handler; its result would be discarded anyway.
                running.LeaseLost = true;
                await running.Attempt.CancelAsync();
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

    private async ValueTask ReportAsync(JobLease lease, JobProgress progress, CancellationToken cancellationToken)
    {
        await queue.ReportProgressAsync(lease, progress, cancellationToken);
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

    private static Func<IServiceProvider, Job, Type, Func<JobProgress, CancellationToken, ValueTask>, JobCost, CancellationToken, ValueTask> CreateInvoker(Type payloadType) =>
        InvokeMethod.MakeGenericMethod(payloadType).CreateDelegate<Func<IServiceProvider, Job, Type, Func<JobProgress, CancellationToken, ValueTask>, JobCost, CancellationToken, ValueTask>>();

    private static async ValueTask InvokeAsync<TPayload>(IServiceProvider services, Job job, Type handlerType, Func<JobProgress, CancellationToken, ValueTask> report, JobCost cost, CancellationToken cancellationToken)
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
        await handler.HandleAsync(new JobContext<TPayload>(job, payload, report, cancellationToken, cost));
    }

    [LoggerMessage(EventId = 2001, EventName = "JobAttemptFailed", Level = LogLevel.Warning, Message = "Job {JobId} ({JobType}) attempt {Attempt} failed: {Failure}")]
    private partial void LogAttemptFailed(Exception exception, Guid jobId, string jobType, int attempt, string failure);

    [LoggerMessage(EventId = 2002, EventName = "JobLeaseLost", Level = LogLevel.Information, Message = "Job {JobId} ({JobType}) was cancelled or rescued while it ran here; its result was discarded.")]
    private partial void LogLeaseLost(Guid jobId, string jobType);

    [LoggerMessage(EventId = 2003, EventName = "JobWorkerError", Level = LogLevel.Warning, Message = "The job worker could not reach its queue; it tries again.")]
    private partial void LogWorkerError(Exception exception);

    [LoggerMessage(EventId = 2004, EventName = "JobMaintenance", Level = LogLevel.Information, Message = "Rescued {Rescued} jobs with expired leases and deleted {Deleted} finished jobs past retention.")]
    private partial void LogMaintenance(int rescued, int deleted);

    // A job running here: what the heartbeat loop renews, and how it stops the handler when the lease is lost.
    private sealed class RunningJob(JobLease lease, CancellationTokenSource attempt)
    {
        public JobLease Lease { get; } = lease;

        public CancellationTokenSource Attempt { get; } = attempt;

        public volatile bool LeaseLost;
    }

    // A payload the handler's type cannot read will not read better on a retry: it dead-letters at once.
    private sealed class PayloadException(string message, Exception inner) : Exception(message, inner);
}

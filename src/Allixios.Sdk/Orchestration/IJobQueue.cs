namespace Allixios.Orchestration;

/// <summary>
/// Where jobs wait and are leased: in memory in the embedded default, in PostgreSQL in production. Every state change
/// is checked by <see cref="JobStateMachine"/> and recorded in the job's history. Times come from the queue's
/// <see cref="TimeProvider"/>. Callers validate input first (<see cref="JobClient"/> does); the queue enforces state.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "It is a queue; the issue and the docs call it one.")]
public interface IJobQueue
{
    /// <summary>
    /// Adds a job in its initial state (<see cref="JobState.Scheduled"/> or <see cref="JobState.Available"/>); when
    /// its idempotency key names an existing job of the tenant, returns that job unchanged instead.
    /// </summary>
    ValueTask<EnqueuedJob> EnqueueAsync(Job job, CancellationToken cancellationToken = default);

    /// <summary>
    /// Adds one tenant's jobs at once, as <see cref="EnqueueAsync"/> adds each, and returns one result per job in the
    /// same order: a job whose idempotency key names an existing job of the tenant (also one earlier in the batch) comes
    /// back as that job, not created. Both queues write the batch in one step and wake workers once; the default, for
    /// other implementations, enqueues the jobs one by one.
    /// </summary>
    /// <exception cref="ArgumentException">An empty batch, jobs of several tenants, or a job not in an initial state.</exception>
    async ValueTask<IReadOnlyList<EnqueuedJob>> EnqueueBatchAsync(IReadOnlyList<Job> jobs, CancellationToken cancellationToken = default)
    {
        JobBatches.Validate(jobs);
        var enqueued = new List<EnqueuedJob>(jobs.Count);
        foreach (var job in jobs)
        {
            enqueued.Add(await EnqueueAsync(job, cancellationToken));
        }

        return enqueued;
    }

    /// <summary>
    /// Adds a workflow's jobs and the dependencies between them, all or none. A job with dependencies starts
    /// <see cref="JobState.Waiting"/>: once every job it depends on succeeded it becomes scheduled or available (by its
    /// run-at); once one of them is dead-lettered or cancelled, it is cancelled with a reason naming that job, and so on
    /// down the workflow. Returns the jobs in the order given.
    /// </summary>
    /// <exception cref="ArgumentException">The jobs are not new, of one tenant, waiting exactly when they have dependencies, without idempotency keys; or an edge leaves the workflow.</exception>
    ValueTask<IReadOnlyList<Job>> EnqueueWorkflowAsync(IReadOnlyList<Job> jobs, IReadOnlyList<JobDependency> dependencies, CancellationToken cancellationToken = default);

    /// <summary>The job, or <see langword="null"/> when the tenant has no such job.</summary>
    ValueTask<Job?> GetAsync(string tenantId, Guid jobId, CancellationToken cancellationToken = default);

    /// <summary>The job's history, oldest first; empty when the tenant has no such job.</summary>
    ValueTask<IReadOnlyList<JobEvent>> GetHistoryAsync(string tenantId, Guid jobId, CancellationToken cancellationToken = default);

    /// <summary>
    /// The tenant's jobs that match <paramref name="query"/>, newest first (by id, which sorts by creation time), at most
    /// <see cref="JobQuery.Limit"/> of them.
    /// </summary>
    ValueTask<IReadOnlyList<Job>> ListAsync(JobQuery query, CancellationToken cancellationToken = default);

    /// <summary>How many jobs the tenant has, by type and state, ordered by type then state; empty groups are left out.</summary>
    ValueTask<IReadOnlyList<JobCount>> CountAsync(string tenantId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Makes due scheduled and retrying jobs available, then leases up to <see cref="DequeueRequest.MaxJobs"/> available
    /// jobs in dispatch order (<see cref="JobAging.DispatchAt"/>: highest priority first, then earliest due, with waiting
    /// jobs aging up a level per <see cref="JobAging.StepPerPriority"/>): each becomes running with its attempt counted.
    /// With <see cref="DequeueRequest.TenantConcurrency"/>, the cap holds across every process sharing the queue.
    /// </summary>
    ValueTask<IReadOnlyList<JobLease>> DequeueAsync(DequeueRequest request, CancellationToken cancellationToken = default);

    /// <summary>
    /// Every tenant with jobs that could be leased now or running, in one cheap read: what the fair scheduler plans its
    /// turns by. <paramref name="types"/> limits the available count to those job types; none: every type. A store may cap
    /// the available counts of a large backlog (PostgreSQL counts at most 2,000 per tenant): the scheduler only needs who
    /// has work and roughly how much, and reads again as it runs down.
    /// </summary>
    ValueTask<IReadOnlyList<TenantBacklog>> GetBacklogAsync(IReadOnlyCollection<string>? types, CancellationToken cancellationToken = default);

    /// <summary>Extends the lease by <paramref name="leaseDuration"/> from now; <see langword="false"/> when it is no longer held (rescued or cancelled).</summary>
    ValueTask<bool> HeartbeatAsync(JobLease lease, TimeSpan leaseDuration, CancellationToken cancellationToken = default);

    /// <summary>Records progress of a running job; <see langword="false"/> when the lease is no longer held.</summary>
    ValueTask<bool> ReportProgressAsync(JobLease lease, JobProgress progress, CancellationToken cancellationToken = default);

    /// <summary>Marks the job succeeded; <see langword="false"/> (and nothing changed) when the lease is no longer held.</summary>
    ValueTask<bool> CompleteAsync(JobLease lease, CancellationToken cancellationToken = default);

    /// <summary>
    /// Marks each leased job succeeded, as <see cref="CompleteAsync"/> does one, and returns for each lease (in the order
    /// given) whether it was still held; a job whose lease was lost is left unchanged. Workers complete the jobs that
    /// finished together this way. The in-memory queue completes them in one step; the default starts every completion at
    /// once (the PostgreSQL queue writes the ones that queue up together in one statement) and waits for all. When one
    /// throws (the queue is unreachable), so does this, and the others may have been recorded.
    /// </summary>
    async ValueTask<IReadOnlyList<bool>> CompleteBatchAsync(IReadOnlyList<JobLease> leases, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(leases);
        var pending = new Task<bool>[leases.Count];
        for (var i = 0; i < pending.Length; i++)
        {
            pending[i] = CompleteAsync(leases[i], cancellationToken).AsTask();
        }

        return await Task.WhenAll(pending);
    }

    /// <summary>
    /// Records a failed attempt: the job is retrying until <paramref name="retryAt"/>, or dead-lettered when
    /// <paramref name="retryAt"/> is none or its attempts are used up. Returns the new state, or <see langword="null"/>
    /// (nothing changed) when the lease is no longer held.
    /// </summary>
    ValueTask<JobState?> FailAsync(JobLease lease, string failure, DateTimeOffset? retryAt, CancellationToken cancellationToken = default);

    /// <summary>
    /// Hands a running job back without counting the attempt (its worker is shutting down): it becomes retrying, due at
    /// once, with its attempt count as before it was leased. Returns <see langword="false"/> (nothing changed) when the
    /// lease is no longer held.
    /// </summary>
    ValueTask<bool> ReleaseAsync(JobLease lease, string reason, CancellationToken cancellationToken = default);

    /// <summary>
    /// Hands a running job back without counting the attempt because it may not run yet (a budget or rate limit refused
    /// it): it becomes retrying, due at <paramref name="runAt"/>, with <paramref name="reason"/> as its last error and in
    /// its history. Returns <see langword="false"/> (nothing changed) when the lease is no longer held.
    /// </summary>
    ValueTask<bool> DeferAsync(JobLease lease, DateTimeOffset runAt, string reason, CancellationToken cancellationToken = default);

    /// <summary>Cancels a job that has not finished; a running job's lease ends, so its worker's next heartbeat tells it to stop.</summary>
    /// <exception cref="AllixiosException">NotFound when the tenant has no such job; FailedPrecondition when it has finished.</exception>
    ValueTask<Job> CancelAsync(string tenantId, Guid jobId, string? reason, CancellationToken cancellationToken = default);

    /// <summary>Makes a dead-lettered job available again with a fresh set of attempts.</summary>
    /// <exception cref="AllixiosException">NotFound when the tenant has no such job; FailedPrecondition when it is not dead-lettered.</exception>
    ValueTask<Job> RedriveAsync(string tenantId, Guid jobId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Returns running jobs whose lease expired (their worker died or hung) to retrying, or dead-letters them when their
    /// attempts are used up. Returns how many jobs it rescued (at most <paramref name="maxJobs"/>).
    /// </summary>
    ValueTask<int> RescueExpiredLeasesAsync(int maxJobs, CancellationToken cancellationToken = default);

    /// <summary>Deletes up to <paramref name="maxJobs"/> finished jobs (and their history) that finished before <paramref name="finishedBefore"/>. Returns how many.</summary>
    ValueTask<int> DeleteFinishedAsync(DateTimeOffset finishedBefore, int maxJobs, CancellationToken cancellationToken = default);

    /// <summary>
    /// Waits until a job may have become available (another process enqueued one) or <paramref name="maxWait"/> passed,
    /// whichever is first. A wake-up is a hint, not a promise: callers dequeue to find out.
    /// </summary>
    Task WaitForWorkAsync(TimeSpan maxWait, CancellationToken cancellationToken = default);
}

namespace Allixios.Orchestration;

/// <summary>
/// The embedded default <see cref="IJobQueue"/>: jobs in process memory, gone when the process ends. It has the same
/// semantics as the PostgreSQL queue (the same conformance suite proves it) so that code tested on it behaves the same
/// in production.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "It is a queue; the issue and the docs call it one.")]
public sealed class InMemoryJobQueue(TimeProvider time) : IJobQueue
{
    private readonly Lock _gate = new();
    private readonly Dictionary<Guid, Entry> _jobs = [];
    private readonly Dictionary<(string Tenant, string Key), Guid> _idempotencyKeys = [];
    private TaskCompletionSource _workSignal = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <inheritdoc />
    public ValueTask<EnqueuedJob> EnqueueAsync(Job job, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (!JobStateMachine.InitialStates.Contains(job.State))
        {
            throw new ArgumentException($"A new job starts scheduled or available, not {JobStates.ToName(job.State)}.", nameof(job));
        }

        lock (_gate)
        {
            if (job.IdempotencyKey is { } key && _idempotencyKeys.TryGetValue((job.TenantId, key), out var existing))
            {
                return ValueTask.FromResult(new EnqueuedJob(_jobs[existing].Job, Created: false));
            }

            if (_jobs.ContainsKey(job.Id))
            {
                throw new ArgumentException($"Job {job.Id} exists already.", nameof(job));
            }

            var entry = new Entry(job);
            entry.History.Add(new JobEvent(job.Id, job.CreatedAt, From: null, job.State, Worker: null, job.Attempt, Error: null, Progress: null));
            _jobs.Add(job.Id, entry);
            if (job.IdempotencyKey is { } newKey)
            {
                _idempotencyKeys.Add((job.TenantId, newKey), job.Id);
            }

            if (job.State == JobState.Available)
            {
                Signal();
            }
        }

        return ValueTask.FromResult(new EnqueuedJob(job, Created: true));
    }

    /// <inheritdoc />
    public ValueTask<Job?> GetAsync(string tenantId, Guid jobId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return ValueTask.FromResult(Find(tenantId, jobId)?.Job);
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<JobEvent>> GetHistoryAsync(string tenantId, Guid jobId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            IReadOnlyList<JobEvent> history = Find(tenantId, jobId)?.History.ToList() ?? [];
            return ValueTask.FromResult(history);
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<Job>> ListAsync(JobQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        lock (_gate)
        {
            IReadOnlyList<Job> page = _jobs.Values
                .Select(e => e.Job)
                .Where(j => j.TenantId == query.TenantId
                    && (query.State is null || j.State == query.State)
                    && (query.Type is null || j.Type == query.Type)
                    && (query.Tag is null || j.Tags.Contains(query.Tag))
                    && (query.Before is null || j.Id.CompareTo(query.Before.Value) < 0))
                .OrderByDescending(j => j.Id)
                .Take(query.Limit)
                .ToList();
            return ValueTask.FromResult(page);
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<JobCount>> CountAsync(string tenantId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            IReadOnlyList<JobCount> counts = _jobs.Values
                .Select(e => e.Job)
                .Where(j => j.TenantId == tenantId)
                .GroupBy(j => (j.Type, j.State))
                .Select(g => new JobCount(g.Key.Type, g.Key.State, g.LongCount()))
                .OrderBy(c => c.Type, StringComparer.Ordinal)
                .ThenBy(c => c.State)
                .ToList();
            return ValueTask.FromResult(counts);
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<JobLease>> DequeueAsync(DequeueRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        DequeueRequest.Validate(request);
        var now = time.GetUtcNow();
        lock (_gate)
        {
            foreach (var entry in _jobs.Values.Where(e => e.Job.State is JobState.Scheduled or JobState.Retrying && e.Job.RunAt <= now).ToList())
            {
                Move(entry, JobState.Available, now, worker: null, error: null, j => j);
            }

            var chosen = _jobs.Values
                .Where(e => e.Job.State == JobState.Available
                    && (request.Types is null || request.Types.Contains(e.Job.Type))
                    && (request.Tenants is null || request.Tenants.Contains(e.Job.TenantId)))
                .OrderByDescending(e => e.Job.Priority)
                .ThenBy(e => e.Job.RunAt)
                .ThenBy(e => e.Job.CreatedAt)
                .Take(request.MaxJobs)
                .ToList();
            var leases = new List<JobLease>(chosen.Count);
            foreach (var entry in chosen)
            {
                var token = Guid.NewGuid();
                entry.LeaseToken = token;
                Move(entry, JobState.Running, now, request.WorkerId, error: null, j => j with
                {
                    Attempt = j.Attempt + 1,
                    LeaseOwner = request.WorkerId,
                    LeaseExpiresAt = now + request.LeaseDuration,
                    Progress = null,
                });
                leases.Add(new JobLease(entry.Job, token, request.WorkerId));
            }

            return ValueTask.FromResult<IReadOnlyList<JobLease>>(leases);
        }
    }

    /// <inheritdoc />
    public ValueTask<bool> HeartbeatAsync(JobLease lease, TimeSpan leaseDuration, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        var now = time.GetUtcNow();
        lock (_gate)
        {
            var entry = Held(lease);
            if (entry is null)
            {
                return ValueTask.FromResult(false);
            }

            entry.Job = entry.Job with { LeaseExpiresAt = now + leaseDuration, UpdatedAt = now };
            return ValueTask.FromResult(true);
        }
    }

    /// <inheritdoc />
    public ValueTask<bool> ReportProgressAsync(JobLease lease, JobProgress progress, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        ArgumentNullException.ThrowIfNull(progress);
        var now = time.GetUtcNow();
        lock (_gate)
        {
            var entry = Held(lease);
            if (entry is null)
            {
                return ValueTask.FromResult(false);
            }

            entry.Job = entry.Job with { Progress = progress, UpdatedAt = now };
            entry.History.Add(new JobEvent(entry.Job.Id, now, JobState.Running, JobState.Running, lease.WorkerId, entry.Job.Attempt, Error: null, progress));
            return ValueTask.FromResult(true);
        }
    }

    /// <inheritdoc />
    public ValueTask<bool> CompleteAsync(JobLease lease, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        var now = time.GetUtcNow();
        lock (_gate)
        {
            var entry = Held(lease);
            if (entry is null)
            {
                return ValueTask.FromResult(false);
            }

            Finish(entry, JobState.Succeeded, now, lease.WorkerId, error: null);
            return ValueTask.FromResult(true);
        }
    }

    /// <inheritdoc />
    public ValueTask<JobState?> FailAsync(JobLease lease, string failure, DateTimeOffset? retryAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        var now = time.GetUtcNow();
        lock (_gate)
        {
            var entry = Held(lease);
            if (entry is null)
            {
                return ValueTask.FromResult<JobState?>(null);
            }

            if (retryAt is { } at && entry.Job.Attempt < entry.Job.MaxAttempts)
            {
                entry.LeaseToken = null;
                Move(entry, JobState.Retrying, now, lease.WorkerId, failure, j => j with { RunAt = at, LastError = failure, LeaseOwner = null, LeaseExpiresAt = null });
            }
            else
            {
                Finish(entry, JobState.DeadLettered, now, lease.WorkerId, failure);
            }

            return ValueTask.FromResult<JobState?>(entry.Job.State);
        }
    }

    /// <inheritdoc />
    public ValueTask<bool> ReleaseAsync(JobLease lease, string reason, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        var now = time.GetUtcNow();
        lock (_gate)
        {
            var entry = Held(lease);
            if (entry is null)
            {
                return ValueTask.FromResult(false);
            }

            entry.LeaseToken = null;
            Move(entry, JobState.Retrying, now, lease.WorkerId, reason, j => j with
            {
                Attempt = j.Attempt - 1,
                RunAt = now,
                LastError = reason,
                LeaseOwner = null,
                LeaseExpiresAt = null,
            });
            return ValueTask.FromResult(true);
        }
    }

    /// <inheritdoc />
    public ValueTask<Job> CancelAsync(string tenantId, Guid jobId, string? reason, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            var entry = Find(tenantId, jobId) ?? throw JobErrors.NotFound(tenantId, jobId);
            Finish(entry, JobState.Cancelled, now, worker: null, reason);
            return ValueTask.FromResult(entry.Job);
        }
    }

    /// <inheritdoc />
    public ValueTask<Job> RedriveAsync(string tenantId, Guid jobId, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            var entry = Find(tenantId, jobId) ?? throw JobErrors.NotFound(tenantId, jobId);
            JobStateMachine.EnsureRedrivable(jobId, entry.Job.State);
            Move(entry, JobState.Available, now, worker: null, error: null, j => j with { Attempt = 0, RunAt = now, FinishedAt = null });
            Signal();
            return ValueTask.FromResult(entry.Job);
        }
    }

    /// <inheritdoc />
    public ValueTask<int> RescueExpiredLeasesAsync(int maxJobs, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            var expired = _jobs.Values
                .Where(e => e.Job.State == JobState.Running && e.Job.LeaseExpiresAt <= now)
                .OrderBy(e => e.Job.LeaseExpiresAt)
                .Take(maxJobs)
                .ToList();
            foreach (var entry in expired)
            {
                var error = LeaseExpiredError(entry.Job);
                if (entry.Job.Attempt < entry.Job.MaxAttempts)
                {
                    entry.LeaseToken = null;
                    Move(entry, JobState.Retrying, now, entry.Job.LeaseOwner, error, j => j with { RunAt = now, LastError = error, LeaseOwner = null, LeaseExpiresAt = null });
                }
                else
                {
                    Finish(entry, JobState.DeadLettered, now, entry.Job.LeaseOwner, error);
                }
            }

            return ValueTask.FromResult(expired.Count);
        }
    }

    /// <inheritdoc />
    public ValueTask<int> DeleteFinishedAsync(DateTimeOffset finishedBefore, int maxJobs, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var old = _jobs.Values
                .Where(e => JobStateMachine.IsFinished(e.Job.State) && e.Job.FinishedAt < finishedBefore)
                .OrderBy(e => e.Job.FinishedAt)
                .Take(maxJobs)
                .ToList();
            foreach (var entry in old)
            {
                _jobs.Remove(entry.Job.Id);
                if (entry.Job.IdempotencyKey is { } key)
                {
                    _idempotencyKeys.Remove((entry.Job.TenantId, key));
                }
            }

            return ValueTask.FromResult(old.Count);
        }
    }

    /// <inheritdoc />
    public async Task WaitForWorkAsync(TimeSpan maxWait, CancellationToken cancellationToken = default)
    {
        Task signal;
        lock (_gate)
        {
            signal = _workSignal.Task;
        }

        using var timeout = new CancellationTokenSource(maxWait, time);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        await signal.WaitAsync(either.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        cancellationToken.ThrowIfCancellationRequested();
    }

    internal static string LeaseExpiredError(Job job) =>
        $"The lease of worker '{job.LeaseOwner}' expired without a heartbeat: the worker stopped or hung.";

    // Called under the gate; continuations run asynchronously, so waking waiters never runs their code under it.
    private void Signal()
    {
        _workSignal.TrySetResult();
        _workSignal = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private Entry? Find(string tenantId, Guid jobId) =>
        _jobs.TryGetValue(jobId, out var entry) && entry.Job.TenantId == tenantId ? entry : null;

    private Entry? Held(JobLease lease) =>
        _jobs.TryGetValue(lease.Job.Id, out var entry) && entry.Job.State == JobState.Running && entry.LeaseToken == lease.Token ? entry : null;

    private static void Finish(Entry entry, JobState to, DateTimeOffset now, string? worker, string? error)
    {
        JobStateMachine.EnsureAllowed(entry.Job.Id, entry.Job.State, to);
        entry.LeaseToken = null;
        Move(entry, to, now, worker, error, j => j with { FinishedAt = now, LastError = error ?? j.LastError, LeaseOwner = null, LeaseExpiresAt = null });
    }

    private static void Move(Entry entry, JobState to, DateTimeOffset now, string? worker, string? error, Func<Job, Job> change)
    {
        var from = entry.Job.State;
        JobStateMachine.EnsureAllowed(entry.Job.Id, from, to);
        entry.Job = change(entry.Job) with { State = to, UpdatedAt = now };
        entry.History.Add(new JobEvent(entry.Job.Id, now, from, to, worker, entry.Job.Attempt, error, Progress: null));
    }

    private sealed class Entry(Job job)
    {
        public Job Job { get; set; } = job;

        public Guid? LeaseToken { get; set; }

        public List<JobEvent> History { get; } = [];
    }
}

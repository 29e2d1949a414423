using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Allixios.Orchestration;

/// <summary>
/// The embedded default <see cref="IJobQueue"/>: jobs in process memory, gone when the process ends. It has the same
/// semantics as the PostgreSQL queue (the same conformance suite proves it) so that code tested on it behaves the same
/// in production.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "It is a queue; the issue and the docs call it one.")]
public sealed partial class InMemoryJobQueue(TimeProvider time) : IJobQueue
{
    private readonly Lock _gate = new();
    private readonly Dictionary<Guid, Entry> _jobs = [];
    private readonly Dictionary<(string Tenant, string Key), Guid> _idempotencyKeys = [];

    // Indexes kept in step with every state change (in Track), so a dequeue touches only the jobs it may lease, not every
    // job ever enqueued: the available jobs in dispatch order per tenant and type (InMemoryJobQueue.Available); the
    // waiting jobs by due time; and each tenant's running count, which the concurrency cap and the backlog view read.
    private readonly SortedSet<(long RunAt, Guid Id)> _waiting = [];
    private readonly Dictionary<string, long> _running = new(StringComparer.Ordinal);

    // Lease tokens: a random half, drawn once, and a count, so a lease costs no draw from the system's random source; a
    // token is unique to its lease, which is all the queue asks of it (it never leaves the process).
    private readonly ulong _leaseTokenPrefix = (ulong)Random.Shared.NextInt64();
    private ulong _leaseCount;

    // Breaks ties in enqueue order, as the ids (random within a millisecond) cannot.
    private long _sequence;
    private TaskCompletionSource _workSignal = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Told of every change of a job's state in the same atomic step, as a trigger would be (webhooks use it).</summary>
    public IJobStateObserver? Observer { get; init; }

    /// <inheritdoc />
    public ValueTask<EnqueuedJob> EnqueueAsync(Job job, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        JobBatches.Validate([job]);
        lock (_gate)
        {
            EnsureNew([job]);
            var enqueued = Add(job);
            if (enqueued.Created && job.State == JobState.Available)
            {
                Signal();
            }

            return ValueTask.FromResult(enqueued);
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<EnqueuedJob>> EnqueueBatchAsync(IReadOnlyList<Job> jobs, CancellationToken cancellationToken = default)
    {
        JobBatches.Validate(jobs);
        lock (_gate)
        {
            // Checked for every job before any is added, so a bad batch adds nothing.
            EnsureNew(jobs);
            var enqueued = new EnqueuedJob[jobs.Count];
            var available = false;
            for (var i = 0; i < jobs.Count; i++)
            {
                enqueued[i] = Add(jobs[i]);
                available |= enqueued[i].Created && jobs[i].State == JobState.Available;
            }

            if (available)
            {
                Signal();
            }

            return ValueTask.FromResult<IReadOnlyList<EnqueuedJob>>(enqueued);
        }
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
            PromoteDue(now);
            var limit = request.MaxJobs;
            if (request.TenantConcurrency is { } cap)
            {
                limit = (int)Math.Min(limit, Math.Max(0, cap - _running.GetValueOrDefault(request.Tenants!.First())));
            }

            var chosen = limit > 0 ? TakeAvailable(request.Tenants, request.Types, limit) : [];
            var leases = new JobLease[chosen.Count];
            var expires = now + request.LeaseDuration;
            for (var i = 0; i < leases.Length; i++)
            {
                var entry = chosen[i];
                var token = NextLeaseToken();
                entry.LeaseToken = token;
                Move(entry, entry.Job with
                {
                    State = JobState.Running,
                    UpdatedAt = now,
                    Attempt = entry.Job.Attempt + 1,
                    LeaseOwner = request.WorkerId,
                    LeaseExpiresAt = expires,
                    Progress = null,
                }, request.WorkerId, error: null);
                leases[i] = new JobLease(entry.Job, token, request.WorkerId);
            }

            return ValueTask.FromResult<IReadOnlyList<JobLease>>(leases);
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<TenantBacklog>> GetBacklogAsync(IReadOnlyCollection<string>? types, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow().UtcTicks;
        lock (_gate)
        {
            var available = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var (tenantId, tenant) in _availableByTenant)
            {
                if (AvailableCount(tenant, types) is > 0 and var count)
                {
                    available[tenantId] = count;
                }
            }

            foreach (var (runAt, id) in _waiting)
            {
                if (runAt > now)
                {
                    break;
                }

                var job = _jobs[id].Job;
                if (types is null || types.Contains(job.Type))
                {
                    available[job.TenantId] = available.GetValueOrDefault(job.TenantId) + 1;
                }
            }

            IReadOnlyList<TenantBacklog> backlog = [.. available.Keys.Union(_running.Keys)
                .Select(t => new TenantBacklog(t, available.GetValueOrDefault(t), _running.GetValueOrDefault(t)))
                .Where(b => b.Available > 0 || b.Running > 0)];
            return ValueTask.FromResult(backlog);
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
    public ValueTask<IReadOnlyList<bool>> CompleteBatchAsync(IReadOnlyList<JobLease> leases, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(leases);
        var now = time.GetUtcNow();
        var completed = new bool[leases.Count];
        lock (_gate)
        {
            for (var i = 0; i < completed.Length; i++)
            {
                if (Held(leases[i]) is { } entry)
                {
                    Finish(entry, JobState.Succeeded, now, leases[i].WorkerId, error: null);
                    completed[i] = true;
                }
            }
        }

        return ValueTask.FromResult<IReadOnlyList<bool>>(completed);
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
                Move(entry, entry.Job with { State = JobState.Retrying, UpdatedAt = now, RunAt = at, LastError = failure, LeaseOwner = null, LeaseExpiresAt = null }, lease.WorkerId, failure);
            }
            else
            {
                Finish(entry, JobState.DeadLettered, now, lease.WorkerId, failure);
            }

            return ValueTask.FromResult<JobState?>(entry.Job.State);
        }
    }

    /// <inheritdoc />
    public ValueTask<bool> ReleaseAsync(JobLease lease, string reason, CancellationToken cancellationToken = default) =>
        DeferAsync(lease, time.GetUtcNow(), reason, cancellationToken);

    /// <inheritdoc />
    public ValueTask<bool> DeferAsync(JobLease lease, DateTimeOffset runAt, string reason, CancellationToken cancellationToken = default)
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
            Move(entry, entry.Job with
            {
                State = JobState.Retrying,
                UpdatedAt = now,
                Attempt = entry.Job.Attempt - 1,
                RunAt = runAt > now ? runAt : now,
                LastError = reason,
                LeaseOwner = null,
                LeaseExpiresAt = null,
            }, lease.WorkerId, reason);
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
            Move(entry, entry.Job with { State = JobState.Available, UpdatedAt = now, Attempt = 0, RunAt = now, FinishedAt = null }, worker: null, error: null);
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
                    Move(entry, entry.Job with { State = JobState.Retrying, UpdatedAt = now, RunAt = now, LastError = error, LeaseOwner = null, LeaseExpiresAt = null }, entry.Job.LeaseOwner, error);
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
                // Finished jobs are in no index, so removing them from the table is enough.
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

    // Called under the gate.
    private void EnsureNew(IReadOnlyList<Job> jobs)
    {
        foreach (var job in jobs)
        {
            if (_jobs.ContainsKey(job.Id) && !(job.IdempotencyKey is { } key && _idempotencyKeys.ContainsKey((job.TenantId, key))))
            {
                throw new ArgumentException($"Job {job.Id} exists already.", nameof(jobs));
            }
        }
    }

    // Called under the gate: adds the job, or returns the job its idempotency key names (also one added just before).
    private EnqueuedJob Add(Job job)
    {
        if (job.IdempotencyKey is { } key && _idempotencyKeys.TryGetValue((job.TenantId, key), out var existing))
        {
            return new EnqueuedJob(_jobs[existing].Job, Created: false);
        }

        var entry = new Entry(job, ++_sequence);
        Track(entry, add: true);
        entry.History.Add(new JobEvent(job.Id, job.CreatedAt, From: null, job.State, Worker: null, job.Attempt, Error: null, Progress: null));
        _jobs.Add(job.Id, entry);
        if (job.IdempotencyKey is { } newKey)
        {
            _idempotencyKeys.Add((job.TenantId, newKey), job.Id);
        }

        return new EnqueuedJob(job, Created: true);
    }

    // Called under the gate.
    private Guid NextLeaseToken()
    {
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, _leaseTokenPrefix);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes[8..], ++_leaseCount);
        return new Guid(bytes);
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

    private void Finish(Entry entry, JobState to, DateTimeOffset now, string? worker, string? error)
    {
        JobStateMachine.EnsureAllowed(entry.Job.Id, entry.Job.State, to);
        entry.LeaseToken = null;
        Move(entry, entry.Job with { State = to, UpdatedAt = now, FinishedAt = now, LastError = error ?? entry.Job.LastError, LeaseOwner = null, LeaseExpiresAt = null }, worker, error);
        SettleDependents(entry, now);
    }

    // Called under the gate: next is the job as it becomes, its state and UpdatedAt (the time of the change) set; one copy
    // of the record per change.
    private void Move(Entry entry, Job next, string? worker, string? error)
    {
        var from = entry.Job.State;
        JobStateMachine.EnsureAllowed(next.Id, from, next.State);
        Track(entry, add: false);
        entry.Job = next;
        Track(entry, add: true);
        entry.History.Add(new JobEvent(next.Id, next.UpdatedAt, from, next.State, worker, next.Attempt, error, Progress: null));
        Observer?.OnStateChanged(entry.Job, from);
    }

    // Called under the gate: makes the scheduled and retrying jobs that are due available.
    private void PromoteDue(DateTimeOffset now)
    {
        while (_waiting.Count > 0 && _waiting.Min.RunAt <= now.UtcTicks)
        {
            var entry = _jobs[_waiting.Min.Id];
            Move(entry, entry.Job with { State = JobState.Available, UpdatedAt = now }, worker: null, error: null);
        }
    }

    private void Track(Entry entry, bool add)
    {
        var job = entry.Job;
        switch (job.State)
        {
            case JobState.Available:
                TrackAvailable(entry, add);
                break;
            case JobState.Scheduled or JobState.Retrying:
                if (add)
                {
                    _waiting.Add((job.RunAt.UtcTicks, job.Id));
                }
                else
                {
                    _waiting.Remove((job.RunAt.UtcTicks, job.Id));
                }

                break;
            case JobState.Running:
                ref var running = ref CollectionsMarshal.GetValueRefOrAddDefault(_running, job.TenantId, out _);
                running += add ? 1 : -1;
                if (running == 0)
                {
                    _running.Remove(job.TenantId);
                }

                break;
        }
    }

    private sealed class Entry(Job job, long sequence)
    {
        public Job Job { get; set; } = job;

        public long Sequence { get; } = sequence;

        public Guid? LeaseToken { get; set; }

        // Counts the times the job became available, so its stale queue items are told from its live one.
        public long AvailableGeneration { get; set; }

        // The queue it is available in; none when it is not available.
        public TypeQueue? AvailableIn { get; set; }

        public List<JobEvent> History { get; } = [];
    }
}

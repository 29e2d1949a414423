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

    // The running jobs by lease token: a table as small as the jobs in hand, so checking a lease (every completion does)
    // does not look through the table of every job kept, finished ones included, whose lookups miss the cache.
    private readonly Dictionary<Guid, Entry> _leased = [];

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
            IReadOnlyList<JobEvent> history = Find(tenantId, jobId)?.History() ?? [];
            return ValueTask.FromResult(history);
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<Job>> ListAsync(JobQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        lock (_gate)
        {
            // Filtered on the entries' fields, so only the page's records are made.
            IReadOnlyList<Job> page = _jobs.Values
                .Where(e => e.TenantId == query.TenantId
                    && (query.State is null || e.State == query.State)
                    && (query.Type is null || e.Type == query.Type)
                    && (query.Tag is null || e.Enqueued.Tags.Contains(query.Tag))
                    && (query.Before is null || e.Id.CompareTo(query.Before.Value) < 0))
                .OrderByDescending(e => e.Id)
                .Take(query.Limit)
                .Select(e => e.Job)
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
                .Where(e => e.TenantId == tenantId)
                .GroupBy(e => (e.Type, e.State))
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
                _leased.Add(token, entry);
                var from = BeginChange(entry, JobState.Running);
                entry.State = JobState.Running;
                entry.UpdatedAt = now;
                entry.Attempt++;
                entry.LeaseOwner = request.WorkerId;
                entry.LeaseExpiresAt = expires;
                entry.Progress = null;
                EndChange(entry, from, request.WorkerId, error: null);
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

                var entry = _jobs[id];
                if (types is null || types.Contains(entry.Type))
                {
                    available[entry.TenantId] = available.GetValueOrDefault(entry.TenantId) + 1;
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

            entry.LeaseExpiresAt = now + leaseDuration;
            entry.UpdatedAt = now;
            entry.Changed();
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

            entry.Progress = progress;
            entry.UpdatedAt = now;
            entry.Changed();
            entry.AddEvent(now, JobState.Running, JobState.Running, lease.WorkerId, error: null, progress);
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

            if (retryAt is { } at && entry.Attempt < entry.Enqueued.MaxAttempts)
            {
                Retry(entry, now, at, failure, lease.WorkerId);
            }
            else
            {
                Finish(entry, JobState.DeadLettered, now, lease.WorkerId, failure);
            }

            return ValueTask.FromResult<JobState?>(entry.State);
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

            // Not the job's fault: the attempt is given back.
            entry.Attempt--;
            Retry(entry, now, runAt > now ? runAt : now, reason, lease.WorkerId);
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
            JobStateMachine.EnsureRedrivable(jobId, entry.State);
            var from = BeginChange(entry, JobState.Available);
            entry.State = JobState.Available;
            entry.UpdatedAt = now;
            entry.Attempt = 0;
            entry.RunAt = now;
            entry.FinishedAt = null;
            EndChange(entry, from, worker: null, error: null);
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
                .Where(e => e.State == JobState.Running && e.LeaseExpiresAt <= now)
                .OrderBy(e => e.LeaseExpiresAt)
                .Take(maxJobs)
                .ToList();
            foreach (var entry in expired)
            {
                var error = LeaseExpiredError(entry.LeaseOwner);
                if (entry.Attempt < entry.Enqueued.MaxAttempts)
                {
                    Retry(entry, now, now, error, entry.LeaseOwner);
                }
                else
                {
                    Finish(entry, JobState.DeadLettered, now, entry.LeaseOwner, error);
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
                .Where(e => JobStateMachine.IsFinished(e.State) && e.FinishedAt < finishedBefore)
                .OrderBy(e => e.FinishedAt)
                .Take(maxJobs)
                .ToList();
            foreach (var entry in old)
            {
                // Finished jobs are in no index, so removing them from the table is enough.
                _jobs.Remove(entry.Id);
                if (entry.Enqueued.IdempotencyKey is { } key)
                {
                    _idempotencyKeys.Remove((entry.TenantId, key));
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
        entry.AddEvent(job.CreatedAt, from: null, job.State, worker: null, error: null, progress: null);
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

    internal static string LeaseExpiredError(string? leaseOwner) =>
        $"The lease of worker '{leaseOwner}' expired without a heartbeat: the worker stopped or hung.";

    // Called under the gate; continuations run asynchronously, so waking waiters never runs their code under it.
    private void Signal()
    {
        _workSignal.TrySetResult();
        _workSignal = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private Entry? Find(string tenantId, Guid jobId) =>
        _jobs.TryGetValue(jobId, out var entry) && entry.TenantId == tenantId ? entry : null;

    // Only running jobs are in _leased, each under its current token.
    private Entry? Held(JobLease lease) =>
        _leased.TryGetValue(lease.Token, out var entry) && entry.Id == lease.Job.Id ? entry : null;

    // Called under the gate whenever a job stops running: its token no longer holds it.
    private void EndLease(Entry entry)
    {
        if (entry.LeaseToken is { } token)
        {
            _leased.Remove(token);
            entry.LeaseToken = null;
        }
    }

    private void Finish(Entry entry, JobState to, DateTimeOffset now, string? worker, string? error)
    {
        var from = BeginChange(entry, to);
        EndLease(entry);
        entry.State = to;
        entry.UpdatedAt = now;
        entry.FinishedAt = now;
        entry.LastError = error ?? entry.LastError;
        entry.LeaseOwner = null;
        entry.LeaseExpiresAt = null;
        EndChange(entry, from, worker, error);
        SettleDependents(entry, now);
    }

    // A running job handed back (failed with attempts left, deferred, or rescued): due again at runAt.
    private void Retry(Entry entry, DateTimeOffset now, DateTimeOffset runAt, string error, string? worker)
    {
        var from = BeginChange(entry, JobState.Retrying);
        EndLease(entry);
        entry.State = JobState.Retrying;
        entry.UpdatedAt = now;
        entry.RunAt = runAt;
        entry.LastError = error;
        entry.LeaseOwner = null;
        entry.LeaseExpiresAt = null;
        EndChange(entry, from, worker, error);
    }

    // Called under the gate. A change is checked and taken out of the indexes (BeginChange), its fields set in place, then
    // put back in the indexes and recorded (EndChange), with UpdatedAt the time of the change.
    private JobState BeginChange(Entry entry, JobState to)
    {
        var from = entry.State;
        JobStateMachine.EnsureAllowed(entry.Id, from, to);
        Track(entry, add: false);
        return from;
    }

    private void EndChange(Entry entry, JobState from, string? worker, string? error)
    {
        entry.Changed();
        Track(entry, add: true);
        entry.AddEvent(entry.UpdatedAt, from, entry.State, worker, error, progress: null);
        Observer?.OnStateChanged(entry.Job, from);
    }

    // Called under the gate: a change of state and nothing else (UpdatedAt set to now).
    private void Move(Entry entry, JobState to, DateTimeOffset now)
    {
        var from = BeginChange(entry, to);
        entry.State = to;
        entry.UpdatedAt = now;
        EndChange(entry, from, worker: null, error: null);
    }

    // Called under the gate: makes the scheduled and retrying jobs that are due available.
    private void PromoteDue(DateTimeOffset now)
    {
        while (_waiting.Count > 0 && _waiting.Min.RunAt <= now.UtcTicks)
        {
            Move(_jobs[_waiting.Min.Id], JobState.Available, now);
        }
    }

    private void Track(Entry entry, bool add)
    {
        switch (entry.State)
        {
            case JobState.Available:
                TrackAvailable(entry, add);
                break;
            case JobState.Scheduled or JobState.Retrying:
                if (add)
                {
                    _waiting.Add((entry.RunAt.UtcTicks, entry.Id));
                }
                else
                {
                    _waiting.Remove((entry.RunAt.UtcTicks, entry.Id));
                }

                break;
            case JobState.Running:
                ref var running = ref CollectionsMarshal.GetValueRefOrAddDefault(_running, entry.TenantId, out _);
                running += add ? 1 : -1;
                if (running == 0)
                {
                    _running.Remove(entry.TenantId);
                }

                break;
        }
    }
}

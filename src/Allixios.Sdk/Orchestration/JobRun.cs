namespace Allixios.Orchestration;

/// <summary>
/// One leased job on its way through the worker: the thread-pool item that runs it, the attempt its handler sees (the
/// cancellation token, progress, cost) and what the heartbeat loop renews. One object per job, so a job that needs no
/// timer, no budget and no trace costs little more than this.
/// </summary>
internal sealed class JobRun(JobWorker worker, JobLease lease, int slot) : IThreadPoolWorkItem, IJobAttempt
{
    // Marks an attempt that is over: a token read after it is not cancelled by anything any more.
    private static readonly AttemptToken Ended = new();

    private AttemptToken? _attempt;
    private int _cancelRequested;
    private bool _leaseLost;
    private long _attemptStarted;
    private TimeSpan _limit;
    private CancellationToken _stopping;
    private TimeProvider _time = TimeProvider.System;

    public JobLease Lease { get; } = lease;

    /// <summary>The worker slot it holds from its lease until its outcome is recorded.</summary>
    public int Slot { get; } = slot;

    /// <summary>When it started (a <see cref="TimeProvider.GetTimestamp"/>), for the run-time metric.</summary>
    public long Started { get; set; }

    /// <summary>Set by the heartbeat loop when the lease was lost (cancelled by a user, or rescued after a stall).</summary>
    public bool LeaseLost
    {
        get => Volatile.Read(ref _leaseLost);
        set => Volatile.Write(ref _leaseLost, value);
    }

    public JobCost? Cost { get; set; }

    public CancellationToken CancellationToken
    {
        get
        {
            while (true)
            {
                var current = Volatile.Read(ref _attempt);
                if (current is not null)
                {
                    return ReferenceEquals(current, Ended) ? CancellationToken.None : current.Token;
                }

                var left = _limit - _time.GetElapsedTime(_attemptStarted);
                var created = new AttemptToken(left > TimeSpan.Zero ? left : TimeSpan.Zero, _time, _stopping);
                if (Interlocked.CompareExchange(ref _attempt, created, null) is null)
                {
                    // The heartbeat may have found the lease lost before the token existed.
                    if (Volatile.Read(ref _cancelRequested) != 0)
                    {
                        created.Cancel();
                    }

                    return created.Token;
                }

                created.Dispose();
            }
        }
    }

    void IThreadPoolWorkItem.Execute() => _ = worker.RunAndFinishAsync(this);

    /// <summary>Starts the attempt's clock: its token, once read, is cancelled <paramref name="limit"/> after now or when <paramref name="stopping"/> fires.</summary>
    public void BeginAttempt(TimeSpan limit, TimeProvider time, CancellationToken stopping)
    {
        _time = time;
        _limit = limit;
        _stopping = stopping;
        _attemptStarted = time.GetTimestamp();
    }

    /// <summary>How long the attempt has run.</summary>
    public TimeSpan AttemptElapsed => _time.GetElapsedTime(_attemptStarted);

    /// <summary>Ends the attempt and frees its timer; says whether its token had been cancelled.</summary>
    public bool EndAttempt()
    {
        var attempt = Interlocked.Exchange(ref _attempt, Ended);
        if (attempt is null || ReferenceEquals(attempt, Ended))
        {
            return false;
        }

        var cancelled = attempt.IsCancellationRequested;
        attempt.Dispose();
        return cancelled;
    }

    /// <summary>Cancels the attempt's token, now or as soon as the handler reads it.</summary>
    public async Task CancelAttemptAsync()
    {
        Interlocked.Exchange(ref _cancelRequested, 1);
        if (Volatile.Read(ref _attempt) is { } attempt && !ReferenceEquals(attempt, Ended))
        {
            await attempt.CancelAsync();
        }
    }

    public ValueTask ReportProgressAsync(JobProgress progress, CancellationToken cancellationToken) =>
        worker.ReportProgressAsync(Lease, progress, cancellationToken);

    // The token source of an attempt whose handler reads its token: its time limit and the host stopping cancel it.
    private sealed class AttemptToken : IDisposable
    {
        private readonly CancellationTokenSource? _source;
        private readonly CancellationTokenRegistration _stopping;

        public AttemptToken()
        {
        }

        public AttemptToken(TimeSpan limit, TimeProvider time, CancellationToken stopping)
        {
            _source = new CancellationTokenSource(limit, time);
            Token = _source.Token;
            _stopping = stopping.UnsafeRegister(static s => ((AttemptToken)s!).Cancel(), this);
        }

        public CancellationToken Token { get; }

        public bool IsCancellationRequested => Token.IsCancellationRequested;

        public void Cancel()
        {
            try
            {
                _source?.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The attempt ended meanwhile.
            }
        }

        public async Task CancelAsync()
        {
            try
            {
                if (_source is not null)
                {
                    await _source.CancelAsync();
                }
            }
            catch (ObjectDisposedException)
            {
                // The attempt ended meanwhile.
            }
        }

        public void Dispose()
        {
            // The registration first, so the host stopping cannot cancel a disposed source.
            _stopping.Dispose();
            _source?.Dispose();
        }
    }
}

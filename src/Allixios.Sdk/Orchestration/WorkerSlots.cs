namespace Allixios.Orchestration;

/// <summary>
/// The worker's numbered slots: a leased job holds one from its lease until its outcome is recorded, so at most
/// <see cref="Capacity"/> jobs are in hand at once. Dispatch loops take every free slot in one call and finished groups
/// give theirs back in one call, so a busy worker takes the lock once per batch, not once per job; the numbers index the
/// worker's table of running jobs, which the heartbeat loop reads.
/// </summary>
internal sealed class WorkerSlots
{
    private readonly Lock _gate = new();
    private readonly int[] _free;
    private readonly List<(int Wanted, TaskCompletionSource Signal)> _waiters = [];
    private int _count;

    public WorkerSlots(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _free = new int[capacity];
        for (var i = 0; i < capacity; i++)
        {
            // Lowest numbers on top, so a quiet worker keeps reusing the same few.
            _free[i] = capacity - 1 - i;
        }

        _count = capacity;
        Capacity = capacity;
    }

    public int Capacity { get; }

    public int Free
    {
        get
        {
            lock (_gate)
            {
                return _count;
            }
        }
    }

    /// <summary>Takes up to <paramref name="into"/>'s length of free slots into it; returns how many.</summary>
    public int Take(Span<int> into)
    {
        lock (_gate)
        {
            var taken = Math.Min(into.Length, _count);
            _free.AsSpan(_count - taken, taken).CopyTo(into);
            _count -= taken;
            return taken;
        }
    }

    public void Return(int slot) => Return([slot]);

    public void Return(ReadOnlySpan<int> slots)
    {
        if (slots.IsEmpty)
        {
            return;
        }

        lock (_gate)
        {
            slots.CopyTo(_free.AsSpan(_count));
            _count += slots.Length;
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Wanted <= _count)
                {
                    // Continuations run asynchronously: nobody's code runs under this lock.
                    _waiters[i].Signal.TrySetResult();
                    _waiters.RemoveAt(i);
                }
            }
        }
    }

    /// <summary>
    /// Waits until at least <paramref name="wanted"/> slots are free, or <paramref name="maxWait"/> passed (infinite: no
    /// limit). A hint: another loop may take them first, so callers take what is there.
    /// </summary>
    public async Task WaitAsync(int wanted, TimeSpan maxWait, CancellationToken cancellationToken)
    {
        TaskCompletionSource signal;
        lock (_gate)
        {
            if (_count >= Math.Min(wanted, Capacity))
            {
                return;
            }

            signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((Math.Min(wanted, Capacity), signal));
        }

        try
        {
            // Real time, as a semaphore's wait would be: the gather window is a matter of milliseconds, not of the clock
            // jobs are scheduled by.
            var wait = maxWait == Timeout.InfiniteTimeSpan ? signal.Task.WaitAsync(cancellationToken) : signal.Task.WaitAsync(maxWait, cancellationToken);
            await wait.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            cancellationToken.ThrowIfCancellationRequested();
        }
        finally
        {
            lock (_gate)
            {
                _waiters.Remove((Math.Min(wanted, Capacity), signal));
            }
        }
    }
}

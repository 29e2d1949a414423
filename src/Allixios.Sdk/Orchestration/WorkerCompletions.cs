using System.Collections.Concurrent;

namespace Allixios.Orchestration;

/// <summary>
/// Group commit of the worker's successes: a job whose handler returned is handed over here, and the jobs handed over
/// while one group is being recorded are recorded together in the next (<see cref="IJobQueue.CompleteBatchAsync"/>). No
/// timer: a lone success is recorded at once, and groups grow only as fast as successes queue up behind the one in
/// flight. Each lease is still checked on its own, so a job rescued or cancelled meanwhile is left alone.
/// </summary>
/// <remarks>
/// A run handed over here no longer holds its worker slot, so the worker leases again while the group is written; at most
/// <paramref name="maxPending"/> wait here at once (<see cref="WaitForRoomAsync"/>), so a slow queue slows the worker down
/// instead of piling up outcomes. A process that dies before a group is written leaves those jobs running: their leases
/// expire and they are rescued and run again, as when it dies mid-job; the lease token keeps any late write from
/// completing a rescued job.
/// </remarks>
internal sealed class WorkerCompletions(IJobQueue queue, Action<List<JobRun>, IReadOnlyList<bool>?, Exception?> settled, int maxPending)
{
    // Larger groups wait for the next call, so one call's work stays bounded.
    private const int MaxGroup = 1000;

    private readonly ConcurrentQueue<JobRun> _pending = new();
    private readonly Lock _gate = new();
    private TaskCompletionSource? _room;
    private TaskCompletionSource? _empty;
    private int _count;
    private int _flushing;

    /// <summary>How many successes are handed over and not yet recorded.</summary>
    public int Pending => Volatile.Read(ref _count);

    /// <summary>Waits until fewer than the most allowed are pending.</summary>
    public Task WaitForRoomAsync(CancellationToken cancellationToken) => WaitAsync(ref _room, maxPending - 1, cancellationToken);

    /// <summary>Waits until every success handed over is recorded (or failed to be).</summary>
    public Task WaitForEmptyAsync() => WaitAsync(ref _empty, 0, CancellationToken.None);

    public void Add(JobRun run)
    {
        Interlocked.Increment(ref _count);
        _pending.Enqueue(run);
        if (Interlocked.CompareExchange(ref _flushing, 1, 0) == 0)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static self => _ = self.FlushAsync(), this, preferLocal: false);
        }
    }

    private async Task FlushAsync()
    {
        while (true)
        {
            var group = new List<JobRun>();
            while (group.Count < MaxGroup && _pending.TryDequeue(out var run))
            {
                group.Add(run);
            }

            if (group.Count == 0)
            {
                Volatile.Write(ref _flushing, 0);
                // A run added between the drain and the release found the flag still set and left itself to this flush.
                if (_pending.IsEmpty || Interlocked.CompareExchange(ref _flushing, 1, 0) != 0)
                {
                    return;
                }

                continue;
            }

            var leases = new JobLease[group.Count];
            for (var i = 0; i < leases.Length; i++)
            {
                leases[i] = group[i].Lease;
            }

            IReadOnlyList<bool>? completed = null;
            Exception? failure = null;
            try
            {
                completed = await queue.CompleteBatchAsync(leases, CancellationToken.None);
            }
            catch (Exception e)
            {
                failure = e;
            }

            try
            {
                settled(group, completed, failure);
            }
            finally
            {
                Settled(group.Count);
            }
        }
    }

    private void Settled(int count)
    {
        var left = Interlocked.Add(ref _count, -count);
        TaskCompletionSource? room = null, empty = null;
        lock (_gate)
        {
            if (left < maxPending)
            {
                (room, _room) = (_room, null);
            }

            if (left == 0)
            {
                (empty, _empty) = (_empty, null);
            }
        }

        room?.TrySetResult();
        empty?.TrySetResult();
    }

    private Task WaitAsync(ref TaskCompletionSource? signal, int atMost, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (Volatile.Read(ref _count) <= atMost)
            {
                return Task.CompletedTask;
            }

            signal ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return signal.Task.WaitAsync(cancellationToken);
        }
    }
}

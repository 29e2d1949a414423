using System.Collections.Concurrent;

namespace Allixios.Orchestration;

/// <summary>
/// Group commit of the worker's successes: a job whose handler returned is handed over here, and the jobs handed over
/// while one group is being recorded are recorded together in the next (<see cref="IJobQueue.CompleteBatchAsync"/>). No
/// timer: a lone success is recorded at once, and groups grow only as fast as successes queue up behind the one in
/// flight. Each lease is still checked on its own, so a job rescued or cancelled meanwhile is left alone.
/// </summary>
internal sealed class WorkerCompletions(IJobQueue queue, Action<List<JobRun>, IReadOnlyList<bool>?, Exception?> settled)
{
    // Larger groups wait for the next call, so one call's work stays bounded.
    private const int MaxGroup = 1000;

    private readonly ConcurrentQueue<JobRun> _pending = new();
    private int _flushing;

    public void Add(JobRun run)
    {
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

            settled(group, completed, failure);
        }
    }
}

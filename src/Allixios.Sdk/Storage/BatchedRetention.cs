namespace Allixios.Storage;

/// <summary>
/// The loop every retention service runs: delete what is older than a cutoff a batch at a time (so no statement holds
/// many locks) until a batch comes back short, and do that again every interval until the host stops, carrying on after
/// a failed pass. Several replicas may run it at once: each batch deletes what is old, whoever gets there first.
/// </summary>
internal static class BatchedRetention
{
    /// <summary>Deletes batch after batch of <paramref name="batchSize"/> until one deletes fewer; returns how many in all.</summary>
    public static async Task<int> PruneAsync(Func<int, CancellationToken, ValueTask<int>> deleteBatch, int batchSize, CancellationToken cancellationToken)
    {
        int deleted = 0, batch;
        do
        {
            batch = await deleteBatch(batchSize, cancellationToken);
            deleted += batch;
        }
        while (batch >= batchSize);

        return deleted;
    }

    /// <summary>Runs <paramref name="prune"/> now and then every <paramref name="interval"/> until <paramref name="stoppingToken"/> fires; a failure goes to <paramref name="onError"/>.</summary>
    public static async Task RunAsync(Func<CancellationToken, Task> prune, Func<TimeSpan> interval, TimeProvider time, Action<Exception> onError, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await prune(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                onError(e);
            }

            await Task.Delay(interval(), time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }
}

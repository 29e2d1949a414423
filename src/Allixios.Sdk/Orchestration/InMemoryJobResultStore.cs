namespace Allixios.Orchestration;

/// <summary>
/// The embedded default <see cref="IJobResultStore"/>. It stores results only for jobs its queue holds, forgets a
/// result when its job is gone (retention) as soon as it is read, and keeps at most <see cref="MaxResults"/> (the oldest
/// go first), so memory stays bounded.
/// </summary>
/// <param name="queue">The queue whose jobs the results belong to.</param>
/// <param name="timeProvider">The clock.</param>
public sealed class InMemoryJobResultStore(IJobQueue queue, TimeProvider timeProvider) : IJobResultStore
{
    /// <summary>The most results kept.</summary>
    public const int MaxResults = 10_000;

    private readonly Lock _gate = new();
    private readonly Dictionary<Guid, JobResult> _results = [];
    private readonly Queue<Guid> _order = new();

    /// <inheritdoc />
    public async ValueTask SetAsync(JobResult result, CancellationToken cancellationToken = default)
    {
        result = JobResultValidation.Ensure(result);
        if (await queue.GetAsync(result.TenantId, result.JobId, cancellationToken) is null)
        {
            throw JobResultValidation.NotFound(result.TenantId, result.JobId);
        }

        lock (_gate)
        {
            if (_results.TryAdd(result.JobId, result with { CreatedAt = timeProvider.GetUtcNow() }))
            {
                _order.Enqueue(result.JobId);
                while (_order.Count > MaxResults)
                {
                    _results.Remove(_order.Dequeue());
                }
            }
            else
            {
                _results[result.JobId] = result with { CreatedAt = timeProvider.GetUtcNow() };
            }
        }
    }

    /// <inheritdoc />
    public async ValueTask<JobResult?> GetAsync(string tenantId, Guid jobId, CancellationToken cancellationToken = default)
    {
        JobResult? result;
        lock (_gate)
        {
            result = _results.TryGetValue(jobId, out var found) && found.TenantId == tenantId ? found : null;
        }

        if (result is not null && await queue.GetAsync(tenantId, jobId, cancellationToken) is null)
        {
            // Its job was deleted by retention: the result goes with it, as on PostgreSQL.
            lock (_gate)
            {
                _results.Remove(jobId);
            }

            return null;
        }

        return result;
    }
}

namespace Allixios.Orchestration;

/// <summary>
/// The results jobs leave behind, one per job, in memory in the embedded default and in PostgreSQL in production
/// (table <c>job_results</c>, deleted with its job by a trigger). A handler stores its result as its last step; a retried attempt
/// replaces it.
/// </summary>
public interface IJobResultStore
{
    /// <summary>Stores (or replaces) the result of one of the tenant's jobs.</summary>
    /// <exception cref="AllixiosException">NotFound (<c>job_not_found</c>): the tenant has no such job. InvalidArgument: the result is not one JSON document, or too large.</exception>
    ValueTask SetAsync(JobResult result, CancellationToken cancellationToken = default);

    /// <summary>The result of one of the tenant's jobs, or none when it left none (or is not the tenant's).</summary>
    ValueTask<JobResult?> GetAsync(string tenantId, Guid jobId, CancellationToken cancellationToken = default);
}

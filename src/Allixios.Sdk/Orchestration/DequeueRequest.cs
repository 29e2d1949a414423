namespace Allixios.Orchestration;

/// <summary>What a worker asks the queue for.</summary>
/// <param name="WorkerId">Who asks; recorded on the lease and in the history.</param>
/// <param name="MaxJobs">At most this many jobs (1 to 1000).</param>
/// <param name="LeaseDuration">How long the leases last without a heartbeat.</param>
/// <param name="Types">Only jobs of these types (the ones the worker has handlers for); none: every type.</param>
/// <param name="Tenants">
/// Only jobs of these tenants; none: every tenant. A scheduler that shares workers fairly between tenants chooses
/// whose turn it is and asks for that tenant's jobs.
/// </param>
/// <param name="TenantConcurrency">
/// With exactly one tenant in <paramref name="Tenants"/>: lease only as many jobs as keep that tenant's running jobs (on
/// every replica) at or under this number (1 or more). None: no cap.
/// </param>
public sealed record DequeueRequest(string WorkerId, int MaxJobs, TimeSpan LeaseDuration, IReadOnlyCollection<string>? Types = null, IReadOnlyCollection<string>? Tenants = null, int? TenantConcurrency = null)
{
    /// <summary>The most jobs one dequeue may lease.</summary>
    public const int MaxBatchSize = 1000;

    internal static void Validate(DequeueRequest request)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(request.WorkerId, nameof(request));
        ArgumentOutOfRangeException.ThrowIfLessThan(request.MaxJobs, 1, nameof(request));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(request.MaxJobs, MaxBatchSize, nameof(request));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(request.LeaseDuration, TimeSpan.Zero, nameof(request));
        if (request.TenantConcurrency is { } cap)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(cap, 1, nameof(request));
            if (request.Tenants is not { Count: 1 })
            {
                throw new ArgumentException("A tenant concurrency cap needs exactly one tenant in Tenants.", nameof(request));
            }
        }
    }
}

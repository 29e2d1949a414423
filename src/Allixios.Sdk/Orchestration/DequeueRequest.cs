namespace Allixios.Orchestration;

/// <summary>What a worker asks the queue for.</summary>
/// <param name="WorkerId">Who asks; recorded on the lease and in the history.</param>
/// <param name="MaxJobs">At most this many jobs (1 to 1000).</param>
/// <param name="LeaseDuration">How long the leases last without a heartbeat.</param>
/// <param name="Types">Only jobs of these types (the ones the worker has handlers for); none: every type.</param>
public sealed record DequeueRequest(string WorkerId, int MaxJobs, TimeSpan LeaseDuration, IReadOnlyCollection<string>? Types = null);

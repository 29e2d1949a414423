namespace Allixios.Orchestration;

/// <summary>
/// A worker's claim on a running job. Completion, failure, heartbeats and progress must present the
/// <see cref="Token"/>: once the lease expired and the job was rescued, or the job was cancelled, the old token no
/// longer matches and nothing the old worker reports changes the job.
/// </summary>
/// <param name="Job">The job as it was when leased (state running, attempt counted).</param>
/// <param name="Token">A token unique to this lease.</param>
/// <param name="WorkerId">The worker that holds it.</param>
public sealed record JobLease(Job Job, Guid Token, string WorkerId);

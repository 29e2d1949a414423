namespace Allixios.Orchestration;

/// <summary>The job an enqueue produced.</summary>
/// <param name="Job">The job.</param>
/// <param name="Created">False when its idempotency key named an existing job, which is returned unchanged.</param>
public sealed record EnqueuedJob(Job Job, bool Created);

namespace Allixios.Orchestration;

/// <summary>What a job left behind when it succeeded, e.g. a generated draft with its score: a JSON document.</summary>
/// <param name="JobId">The job.</param>
/// <param name="TenantId">Its tenant.</param>
/// <param name="Result">A JSON document (at most 1 MiB of UTF-16 characters).</param>
/// <param name="CreatedAt">When it was stored.</param>
public sealed record JobResult(Guid JobId, string TenantId, string Result, DateTimeOffset CreatedAt);

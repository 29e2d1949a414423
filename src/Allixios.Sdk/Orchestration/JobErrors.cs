namespace Allixios.Orchestration;

/// <summary>The errors that both queues and the client raise, so that their wording cannot drift apart.</summary>
internal static class JobErrors
{
    public static AllixiosException NotFound(string tenantId, Guid jobId) =>
        AllixiosException.NotFound("job_not_found", $"Tenant '{tenantId}' has no job {jobId}: check the id (finished jobs are deleted after their retention period).");
}

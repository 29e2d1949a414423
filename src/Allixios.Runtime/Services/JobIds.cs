namespace Allixios.Runtime.Services;

/// <summary>Job ids as they arrive in paths and page tokens: text that must be a UUID.</summary>
internal static class JobIds
{
    public static Guid Parse(string text) => Guid.TryParseExact(text, "D", out var id)
        ? id
        : throw new AllixiosException(AllixiosErrorKind.InvalidArgument, "invalid_job_id", $"'{text}' is not a job id: use the job_id an enqueue returned, e.g. 0193a5c4-7d1e-7c3a-9f00-4b1d2e3f4a5b.");
}

using System.Globalization;
using System.Text.Json;
using Allixios.Tenancy;

namespace Allixios.Orchestration;

/// <summary>The checks every job result store makes before it stores.</summary>
internal static class JobResultValidation
{
    /// <summary>The largest result, in characters: results are read whole by API callers, so they stay small.</summary>
    public const int MaxLength = 1 << 20;

    public static JobResult Ensure(JobResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        TenantIds.Validate(result.TenantId);
        if (result.Result is null || result.Result.Length > MaxLength)
        {
            throw AllixiosException.Invalid("invalid_job_result", string.Create(CultureInfo.InvariantCulture, $"A job result is one JSON document of at most {MaxLength} characters."));
        }

        try
        {
            using var document = JsonDocument.Parse(result.Result);
        }
        catch (JsonException e)
        {
            throw AllixiosException.Invalid("invalid_job_result", $"A job result must be a JSON document: {e.Message}");
        }

        return result;
    }

    public static AllixiosException NotFound(string tenantId, Guid jobId) =>
        AllixiosException.NotFound("job_not_found", $"Tenant '{tenantId}' has no job {jobId} to store a result for.");
}

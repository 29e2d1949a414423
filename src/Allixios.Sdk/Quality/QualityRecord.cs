namespace Allixios.Quality;

/// <summary>One quality score of one model's answer, as the quality ledger keeps it.</summary>
/// <param name="Id">Its id (a version 7 UUID). <see cref="IQualityLedger.RecordAsync"/> is idempotent on it.</param>
/// <param name="TenantId">The tenant the answer was for.</param>
/// <param name="At">When it was scored.</param>
/// <param name="Model">The catalog model that wrote the answer.</param>
/// <param name="Score">The ensemble's score, 0 to 100.</param>
public sealed record QualityRecord(Guid Id, string TenantId, DateTimeOffset At, string Model, double Score)
{
    /// <summary>The deployment that served it, or none.</summary>
    public string? DeploymentId { get; init; }

    /// <summary>The job the answer was part of, or none.</summary>
    public Guid? JobId { get; init; }

    /// <summary>That job's type, e.g. <c>content.generate</c>, or none.</summary>
    public string? JobType { get; init; }
}

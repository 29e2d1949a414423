namespace Allixios.Quality;

/// <summary>Which quality scores to summarize; what is none does not filter.</summary>
/// <param name="TenantId">The tenant whose scores to read; none reads every tenant's (platform administration only).</param>
public sealed record QualityQuery(string? TenantId)
{
    /// <summary>Scores at or after this time.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Scores before this time.</summary>
    public DateTimeOffset? To { get; init; }

    /// <summary>Only this job type's scores.</summary>
    public string? JobType { get; init; }

    /// <summary>Only this model's scores.</summary>
    public string? Model { get; init; }
}

namespace Allixios.Quality;

/// <summary>Which ledger entries and scores recommendations are computed from.</summary>
/// <param name="TenantId">The tenant; none for every tenant (platform administration only).</param>
public sealed record RecommendationQuery(string? TenantId)
{
    /// <summary>From this time on.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Before this time.</summary>
    public DateTimeOffset? To { get; init; }

    /// <summary>Only this job type.</summary>
    public string? JobType { get; init; }

    /// <summary>The quality floor (0 to 100) for every job type; none: <see cref="QualityScoringOptions.QualityFloors"/>, else <see cref="QualityScoringOptions.DefaultQualityFloor"/>.</summary>
    public double? QualityFloor { get; init; }
}

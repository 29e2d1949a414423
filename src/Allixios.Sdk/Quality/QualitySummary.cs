namespace Allixios.Quality;

/// <summary>The scores of one model on one job type.</summary>
/// <param name="JobType">The job type; none for answers outside jobs.</param>
/// <param name="Model">The model.</param>
/// <param name="Count">How many scores.</param>
/// <param name="AverageScore">Their mean, 0 to 100.</param>
/// <param name="MinimumScore">The lowest.</param>
public sealed record QualitySummary(string? JobType, string Model, long Count, double AverageScore, double MinimumScore);

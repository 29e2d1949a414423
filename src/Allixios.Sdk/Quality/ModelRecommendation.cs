namespace Allixios.Quality;

/// <summary>
/// A cheaper model for one job type: it met the job type's quality floor on the job type's own work, and costs less per
/// answer than the model in use, by the ledger's costs.
/// </summary>
/// <param name="JobType">The job type.</param>
/// <param name="CurrentModel">The model its calls went to.</param>
/// <param name="RecommendedModel">The cheapest model that met the floor on this job type.</param>
/// <param name="Currency">The currency of the amounts.</param>
public sealed record ModelRecommendation(string JobType, string CurrentModel, string RecommendedModel, string Currency)
{
    /// <summary>The quality floor that applied, 0 to 100.</summary>
    public double QualityFloor { get; init; }

    /// <summary>The answered calls of the job type on the current model.</summary>
    public long CurrentCalls { get; init; }

    /// <summary>What they cost.</summary>
    public decimal CurrentCost { get; init; }

    /// <summary>What one answered call cost on average.</summary>
    public decimal CurrentCostPerCall { get; init; }

    /// <summary>The current model's mean quality on the job type; none when it was not scored.</summary>
    public double? CurrentQuality { get; init; }

    /// <summary>The recommended model's mean quality on the job type.</summary>
    public double RecommendedQuality { get; init; }

    /// <summary>How many scores that mean rests on.</summary>
    public long RecommendedScores { get; init; }

    /// <summary>What one answered call of the job type cost on the recommended model on average.</summary>
    public decimal RecommendedCostPerCall { get; init; }

    /// <summary>What the current model's calls would have cost less on the recommended one: current cost − calls × its cost per call.</summary>
    public decimal EstimatedSaving { get; init; }
}

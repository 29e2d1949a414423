using System.ComponentModel.DataAnnotations;

namespace Allixios.Quality;

/// <summary>The quality ensemble's settings, bound from <c>Allixios:Quality</c>.</summary>
public sealed class QualityScoringOptions : IValidatableObject
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "Allixios:Quality";

    /// <summary>
    /// Each scorer's weight in the total, by name (<see cref="QualityScorerNames"/>), 0 to 1000; a scorer without one
    /// weighs 1. Defaults: readability 1, structure 1, keywords 1.5, length 1, repetition 1.5, json_schema 3, judge 2.
    /// </summary>
    public IDictionary<string, double> Weights { get; } = new Dictionary<string, double>(StringComparer.Ordinal)
    {
        [QualityScorerNames.Readability] = 1,
        [QualityScorerNames.Structure] = 1,
        [QualityScorerNames.Keywords] = 1.5,
        [QualityScorerNames.Length] = 1,
        [QualityScorerNames.Repetition] = 1.5,
        [QualityScorerNames.JsonSchema] = 3,
        [QualityScorerNames.Judge] = 2,
    };

    /// <summary>The lower end of the Flesch reading ease band that scores 100. Default: 50 (fairly difficult). Range: 0 to 100.</summary>
    [Range(0, 100)]
    public double ReadabilityMinimum { get; set; } = 50;

    /// <summary>The upper end of that band. Default: 90 (easy: web copy for a general audience sits between). Range: 0 to 150, at least <see cref="ReadabilityMinimum"/>.</summary>
    [Range(0, 150)]
    public double ReadabilityMaximum { get; set; } = 90;

    /// <summary>Points lost per point of reading ease outside the band. Default: 2.5 (20 points outside scores 50). Range: 0.1 to 100.</summary>
    [Range(0.1, 100)]
    public double ReadabilityPenalty { get; set; } = 2.5;

    /// <summary>How far from the requested length (as a share of it) still scores 100. Default: 0.15. Range: 0 to 1.</summary>
    [Range(0.0, 1.0)]
    public double LengthTolerance { get; set; } = 0.15;

    /// <summary>How far beyond the tolerance (as a share of the requested length) the length score falls to 0. Default: 0.5. Range: 0.01 to 10.</summary>
    [Range(0.01, 10.0)]
    public double LengthFalloff { get; set; } = 0.5;

    /// <summary>Whether a request that does not say asks a model to judge. Default: <see langword="false"/> (a judgement is a paid call).</summary>
    public bool JudgeByDefault { get; set; }

    /// <summary>The model (or deployment id) the judge asks; none lets the tenant's routing policy choose. Default: none.</summary>
    public string? JudgeModel { get; set; }

    /// <summary>The judge's output bound in tokens. Default: 200. Range: 16 to 4096.</summary>
    [Range(16, 4096)]
    public int JudgeMaxOutputTokens { get; set; } = 200;

    /// <summary>The longest text scored, in characters. Default: 200,000. Range: 1,000 to 10,000,000.</summary>
    [Range(1_000, 10_000_000)]
    public int MaxTextLength { get; set; } = 200_000;

    /// <summary>The quality floor (0 to 100) a model must meet on a job type to be recommended for it, for job types without one in <see cref="QualityFloors"/>. Default: 70.</summary>
    [Range(0, 100)]
    public double DefaultQualityFloor { get; set; } = 70;

    /// <summary>Quality floors by job type, 0 to 100. Default: none.</summary>
    public IDictionary<string, double> QualityFloors { get; } = new Dictionary<string, double>(StringComparer.Ordinal);

    /// <summary>The fewest scores of a model on a job type before it may be recommended for it. Default: 5. Range: 1 to 100,000.</summary>
    [Range(1, 100_000)]
    public int MinimumScores { get; set; } = 5;

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (ReadabilityMaximum < ReadabilityMinimum)
        {
            yield return new ValidationResult($"Quality: ReadabilityMaximum {ReadabilityMaximum} is below ReadabilityMinimum {ReadabilityMinimum}.", [nameof(ReadabilityMaximum)]);
        }

        foreach (var (jobType, floor) in QualityFloors)
        {
            if (double.IsNaN(floor) || floor is < 0 or > 100)
            {
                yield return new ValidationResult($"Quality: the quality floor of '{jobType}' is {floor}; it must be 0 to 100.", [nameof(QualityFloors)]);
            }
        }

        foreach (var (name, weight) in Weights)
        {
            if (double.IsNaN(weight) || weight is < 0 or > 1000)
            {
                yield return new ValidationResult($"Quality: the weight of '{name}' is {weight}; it must be 0 to 1000.", [nameof(Weights)]);
            }
        }
    }
}

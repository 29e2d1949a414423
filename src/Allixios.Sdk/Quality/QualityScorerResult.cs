namespace Allixios.Quality;

/// <summary>What one scorer made of one text.</summary>
/// <param name="Status">Whether it scored, did not apply, or failed.</param>
/// <param name="Score">0 to 100 when scored; none otherwise.</param>
/// <param name="Detail">What the score rests on (the measurements), why it was skipped, or why it failed.</param>
public sealed record QualityScorerResult(QualityScorerStatus Status, double? Score, string Detail)
{
    /// <summary>A score, clamped to 0–100 and rounded to one decimal.</summary>
    public static QualityScorerResult Scored(double score, string detail) => new(QualityScorerStatus.Scored, Math.Round(Math.Clamp(score, 0, 100), 1), detail);

    /// <summary>The scorer does not apply to this text.</summary>
    public static QualityScorerResult Skipped(string why) => new(QualityScorerStatus.Skipped, null, why);

    /// <summary>The scorer could not score this text.</summary>
    public static QualityScorerResult Failed(string why) => new(QualityScorerStatus.Failed, null, why);
}

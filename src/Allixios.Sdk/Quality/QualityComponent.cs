namespace Allixios.Quality;

/// <summary>One line of a quality report's breakdown.</summary>
/// <param name="Name">The scorer's name.</param>
/// <param name="Status">Whether it scored, did not apply, or failed.</param>
/// <param name="Score">Its 0–100 score when it scored.</param>
/// <param name="Weight">Its weight as configured (or as the request set it).</param>
/// <param name="Share">Its share of the total, 0 to 1: its weight over the weights of the scorers that scored; 0 when it did not score.</param>
/// <param name="Detail">What the score rests on, or why it did not score.</param>
public sealed record QualityComponent(string Name, QualityScorerStatus Status, double? Score, double Weight, double Share, string Detail);

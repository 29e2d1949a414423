namespace Allixios.Quality;

/// <summary>A text's quality: the weighted score and what it is made of.</summary>
/// <param name="Score">0 to 100: the weighted mean of the scorers that scored, rounded to one decimal.</param>
/// <param name="Components">Every scorer's line, in the ensemble's order, those that were skipped or failed included.</param>
public sealed record QualityReport(double Score, IReadOnlyList<QualityComponent> Components)
{
    /// <summary>The line of the scorer named <paramref name="name"/>, or none.</summary>
    public QualityComponent? this[string name] => Components.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.Ordinal));
}

namespace Allixios.Quality;

/// <summary>One member of the quality ensemble. Register more with <c>services.AddSingleton&lt;IQualityScorer, …&gt;()</c>; give each a weight in <see cref="QualityScoringOptions.Weights"/>.</summary>
public interface IQualityScorer
{
    /// <summary>The scorer's name: the key of its weight and of its line in the breakdown (lower-case, e.g. <c>readability</c>).</summary>
    string Name { get; }

    /// <summary>Scores <paramref name="request"/>'s text 0–100, or says why it does not apply or could not score.</summary>
    ValueTask<QualityScorerResult> ScoreAsync(QualityRequest request, CancellationToken cancellationToken = default);
}

using System.Globalization;
using Microsoft.Extensions.Options;

namespace Allixios.Quality.Scorers;

/// <summary>
/// The word count against the requested length: 100 within <see cref="QualityScoringOptions.LengthTolerance"/> of it,
/// falling linearly to 0 over the next <see cref="QualityScoringOptions.LengthFalloff"/>. Skipped when no length was asked for.
/// </summary>
public sealed class LengthFitScorer(IOptions<QualityScoringOptions> options) : IQualityScorer
{
    /// <inheritdoc />
    public string Name => QualityScorerNames.Length;

    /// <inheritdoc />
    public ValueTask<QualityScorerResult> ScoreAsync(QualityRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.TargetWords is not { } target)
        {
            return ValueTask.FromResult(QualityScorerResult.Skipped("No length was requested."));
        }

        var settings = options.Value;
        var words = TextStatistics.For(request).Words.Count;
        var deviation = Math.Abs(words - target) / (double)target;
        var score = deviation <= settings.LengthTolerance ? 100 : 100 * (1 - ((deviation - settings.LengthTolerance) / settings.LengthFalloff));
        var detail = string.Create(CultureInfo.InvariantCulture, $"{words} words for {target} requested ({(words - target) / (double)target:+0%;-0%;0%}).");
        return ValueTask.FromResult(QualityScorerResult.Scored(score, detail));
    }
}

using System.Globalization;

namespace Allixios.Quality.Scorers;

/// <summary>
/// How much the text repeats itself: the share of its word trigrams that already occurred, or of its sentences that
/// are repeats (whichever is higher). Up to 3% (ordinary phrasing) scores 100; it falls linearly to 0 at 30%.
/// </summary>
public sealed class RepetitionScorer : IQualityScorer
{
    private const double Allowed = 0.03;
    private const double Zero = 0.30;

    /// <inheritdoc />
    public string Name => QualityScorerNames.Repetition;

    /// <inheritdoc />
    public ValueTask<QualityScorerResult> ScoreAsync(QualityRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Kind == QualityContentKind.Json || request.JsonSchema is not null)
        {
            return ValueTask.FromResult(QualityScorerResult.Skipped("Structured output repeats its keys by design; repetition does not apply."));
        }

        var statistics = TextStatistics.For(request);
        var words = statistics.Words;
        var trigrams = Math.Max(0, words.Count - 2);
        var seen = new HashSet<(string, string, string)>();
        var repeatedTrigrams = 0;
        for (var i = 0; i + 2 < words.Count; i++)
        {
            if (!seen.Add((words[i], words[i + 1], words[i + 2])))
            {
                repeatedTrigrams++;
            }
        }

        var sentences = statistics.Sentences.Select(s => string.Join(' ', TextStatistics.WordsOf(s))).ToList();
        var repeatedSentences = sentences.Count - sentences.Distinct(StringComparer.Ordinal).Count();
        var trigramShare = trigrams == 0 ? 0 : (double)repeatedTrigrams / trigrams;
        var sentenceShare = sentences.Count == 0 ? 0 : (double)repeatedSentences / sentences.Count;
        var share = Math.Max(trigramShare, sentenceShare);
        var score = share <= Allowed ? 100 : 100 * (1 - ((share - Allowed) / (Zero - Allowed)));
        var detail = string.Create(
            CultureInfo.InvariantCulture,
            $"{repeatedTrigrams} of {trigrams} word trigrams ({trigramShare:0.0%}) and {repeatedSentences} of {sentences.Count} sentences ({sentenceShare:0.0%}) are repeats.");
        return ValueTask.FromResult(QualityScorerResult.Scored(score, detail));
    }
}

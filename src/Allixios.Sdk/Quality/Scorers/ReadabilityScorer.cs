using System.Globalization;
using Microsoft.Extensions.Options;

namespace Allixios.Quality.Scorers;

/// <summary>
/// Flesch reading ease (206.835 − 1.015 × words per sentence − 84.6 × syllables per word) against a target band: 100
/// inside it, <see cref="QualityScoringOptions.ReadabilityPenalty"/> points less per point outside. English only: the
/// formula's constants were fitted to English, so other languages are skipped rather than misjudged.
/// </summary>
public sealed class ReadabilityScorer(IOptions<QualityScoringOptions> options) : IQualityScorer
{
    /// <inheritdoc />
    public string Name => QualityScorerNames.Readability;

    /// <summary>The Flesch reading ease of <paramref name="text"/>; none when it has no words.</summary>
    public static double? ReadingEase(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return ReadingEase(TextStatistics.Of(text));
    }

    /// <inheritdoc />
    public ValueTask<QualityScorerResult> ScoreAsync(QualityRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Kind == QualityContentKind.Json || request.JsonSchema is not null)
        {
            return ValueTask.FromResult(QualityScorerResult.Skipped("Structured output is not prose; readability does not apply."));
        }

        if (request.Language is { Length: > 0 } language && !language.StartsWith("en", StringComparison.OrdinalIgnoreCase))
        {
            return ValueTask.FromResult(QualityScorerResult.Skipped($"Flesch reading ease is defined for English; the text is '{language}'."));
        }

        var statistics = TextStatistics.For(request);
        if (ReadingEase(statistics) is not { } ease)
        {
            return ValueTask.FromResult(QualityScorerResult.Skipped("The text has no words."));
        }

        var settings = options.Value;
        var outside = ease < settings.ReadabilityMinimum ? settings.ReadabilityMinimum - ease
            : ease > settings.ReadabilityMaximum ? ease - settings.ReadabilityMaximum
            : 0;
        var detail = string.Create(
            CultureInfo.InvariantCulture,
            $"Flesch reading ease {ease:0.0} ({statistics.Words.Count} words, {statistics.Sentences.Count} sentences); target {settings.ReadabilityMinimum:0.#}–{settings.ReadabilityMaximum:0.#}.");
        return ValueTask.FromResult(QualityScorerResult.Scored(100 - (outside * settings.ReadabilityPenalty), detail));
    }

    private static double? ReadingEase(TextStatistics statistics)
    {
        if (statistics.Words.Count == 0)
        {
            return null;
        }

        double syllables = statistics.Words.Sum(TextStatistics.Syllables);
        double words = statistics.Words.Count;
        double sentences = Math.Max(1, statistics.Sentences.Count);
        return 206.835 - (1.015 * (words / sentences)) - (84.6 * (syllables / words));
    }
}

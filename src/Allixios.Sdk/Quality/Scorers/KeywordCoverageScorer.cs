using System.Globalization;
using System.Text.RegularExpressions;

namespace Allixios.Quality.Scorers;

/// <summary>
/// The share of the brief's keywords the text mentions, as whole words or phrases, ignoring case; a plural
/// (<c>-s</c>, <c>-es</c>) counts. Skipped when the brief has none.
/// </summary>
public sealed class KeywordCoverageScorer : IQualityScorer
{
    /// <inheritdoc />
    public string Name => QualityScorerNames.Keywords;

    /// <inheritdoc />
    public ValueTask<QualityScorerResult> ScoreAsync(QualityRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var keywords = request.Keywords.Where(k => !string.IsNullOrWhiteSpace(k)).Select(k => k.Trim()).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (keywords.Count == 0)
        {
            return ValueTask.FromResult(QualityScorerResult.Skipped("The brief names no keywords."));
        }

        var missing = keywords.Where(k => !Mentions(request.Text, k)).ToList();
        var found = keywords.Count - missing.Count;
        var detail = missing.Count == 0
            ? string.Create(CultureInfo.InvariantCulture, $"All {keywords.Count} keyword(s) covered.")
            : string.Create(CultureInfo.InvariantCulture, $"{found} of {keywords.Count} keyword(s) covered; missing: {string.Join(", ", missing)}.");
        return ValueTask.FromResult(QualityScorerResult.Scored(100.0 * found / keywords.Count, detail));
    }

    private static bool Mentions(string text, string keyword)
    {
        // Words of the phrase separated by any run of non-word characters; not inside a longer word.
        var words = TextStatistics.WordsOf(keyword).Select(Regex.Escape).ToList();
        if (words.Count == 0)
        {
            return text.Contains(keyword, StringComparison.OrdinalIgnoreCase);
        }

        var pattern = @"(?<![\p{L}\p{N}])" + string.Join(@"[^\p{L}\p{N}]+", words) + @"(?:e?s)?(?![\p{L}\p{N}])";
        return Regex.IsMatch(text, pattern, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
    }
}

using System.Globalization;

namespace Allixios.Quality.Scorers;

/// <summary>
/// The shape of an article (Markdown or HTML headings): headings (one per 350 words, at least one from 150 words on),
/// 40 points; paragraphs (one per 150 words, at least two, none over 200 words), 40 points; a list from 300 words on,
/// 20 points. Other kinds of text are skipped.
/// </summary>
public sealed class StructureScorer : IQualityScorer
{
    private const int LongestParagraph = 200;

    /// <inheritdoc />
    public string Name => QualityScorerNames.Structure;

    /// <inheritdoc />
    public ValueTask<QualityScorerResult> ScoreAsync(QualityRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Kind != QualityContentKind.Article)
        {
            return ValueTask.FromResult(QualityScorerResult.Skipped("Structure is scored for articles only."));
        }

        var statistics = TextStatistics.For(request);
        var words = statistics.Words.Count;
        var headings = statistics.Blocks.Count(b => b.Kind == TextBlockKind.Heading);
        var paragraphs = statistics.Blocks.Where(b => b.Kind == TextBlockKind.Paragraph).Select(b => TextStatistics.WordsOf(b.Text).Count).ToList();
        var listItems = statistics.Blocks.Count(b => b.Kind == TextBlockKind.ListItem);

        var wantedHeadings = words < 150 ? 0 : Math.Max(1, words / 350);
        var headingScore = wantedHeadings == 0 ? 1 : Math.Min(1.0, (double)headings / wantedHeadings);
        var wantedParagraphs = Math.Max(2, words / 150);
        var longest = paragraphs.Count == 0 ? 0 : paragraphs.Max();
        var paragraphScore = Math.Min(1.0, (double)paragraphs.Count / wantedParagraphs) * (longest > LongestParagraph ? 0.5 : 1);
        var listScore = words < 300 || listItems > 0 ? 1 : 0;
        var detail = string.Create(
            CultureInfo.InvariantCulture,
            $"{headings} heading(s) of {wantedHeadings} wanted, {paragraphs.Count} paragraph(s) of {wantedParagraphs} wanted (longest {longest} words, at most {LongestParagraph}), {listItems} list item(s) for {words} words.");
        return ValueTask.FromResult(QualityScorerResult.Scored((40 * headingScore) + (40 * paragraphScore) + (20 * listScore), detail));
    }
}

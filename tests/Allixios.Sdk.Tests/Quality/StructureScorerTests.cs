using Allixios.Quality;
using Allixios.Quality.Scorers;
using Xunit;

namespace Allixios.Sdk.Tests.Quality;

public sealed class StructureScorerTests
{
    private readonly StructureScorer _scorer = new();

    [Fact]
    public async Task An_article_with_headings_short_paragraphs_and_a_list_scores_full_marks()
    {
        var result = await _scorer.ScoreAsync(new QualityRequest(QualityTexts.StructuredArticle) { Kind = QualityContentKind.Article });

        Assert.Equal(100, result.Score);
        Assert.Contains("4 heading(s)", result.Detail, StringComparison.Ordinal);
        Assert.Contains("8 paragraph(s)", result.Detail, StringComparison.Ordinal);
        Assert.Contains("3 list item(s)", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_same_words_as_one_wall_of_text_score_low()
    {
        var result = await _scorer.ScoreAsync(new QualityRequest(QualityTexts.WallOfText) { Kind = QualityContentKind.Article });

        // No heading (0 of 40), one paragraph of the two wanted and over 200 words (10 of 40), no list (0 of 20).
        Assert.Equal(10, result.Score);
        Assert.Contains("0 heading(s)", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Html_headings_count_as_headings()
    {
        var html = QualityTexts.StructuredArticle.Replace("## Prepare the beds", "<h2>Prepare the beds</h2>", StringComparison.Ordinal);

        var markdown = await _scorer.ScoreAsync(new QualityRequest(QualityTexts.StructuredArticle) { Kind = QualityContentKind.Article });
        var mixed = await _scorer.ScoreAsync(new QualityRequest(html) { Kind = QualityContentKind.Article });

        Assert.Equal(markdown.Score, mixed.Score);
    }

    [Fact]
    public async Task Texts_that_are_not_articles_are_skipped()
    {
        var result = await _scorer.ScoreAsync(new QualityRequest(QualityTexts.WallOfText));

        Assert.Equal(QualityScorerStatus.Skipped, result.Status);
        Assert.Null(result.Score);
    }
}

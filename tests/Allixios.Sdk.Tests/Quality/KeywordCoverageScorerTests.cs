using Allixios.Quality;
using Allixios.Quality.Scorers;
using Xunit;

namespace Allixios.Sdk.Tests.Quality;

public sealed class KeywordCoverageScorerTests
{
    private readonly KeywordCoverageScorer _scorer = new();

    [Fact]
    public async Task Every_keyword_mentioned_scores_full_marks_ignoring_case_plurals_and_line_breaks()
    {
        var result = await _scorer.ScoreAsync(new QualityRequest("Compost feeds the SOIL.\nRaised\nbeds drain well; plant Potatoes early.")
        {
            Keywords = ["compost", "soil", "raised bed", "potato"],
        });

        Assert.Equal(100, result.Score);
    }

    [Fact]
    public async Task The_share_covered_is_the_score_and_the_missing_keywords_are_named()
    {
        var result = await _scorer.ScoreAsync(new QualityRequest("Compost feeds the soil.") { Keywords = ["compost", "soil", "mulch", "seedlings"] });

        Assert.Equal(50, result.Score);
        Assert.Contains("missing: mulch, seedlings", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_keyword_inside_a_longer_word_does_not_count()
    {
        var result = await _scorer.ScoreAsync(new QualityRequest("Each category has its own catalogue.") { Keywords = ["cat"] });

        Assert.Equal(0, result.Score);
    }

    [Fact]
    public async Task Without_keywords_it_is_skipped()
    {
        var result = await _scorer.ScoreAsync(new QualityRequest("Compost feeds the soil.") { Keywords = ["  "] });

        Assert.Equal(QualityScorerStatus.Skipped, result.Status);
    }
}

using Allixios.Quality;
using Allixios.Quality.Scorers;
using Xunit;

namespace Allixios.Sdk.Tests.Quality;

public sealed class RepetitionScorerTests
{
    private readonly RepetitionScorer _scorer = new();

    [Fact]
    public async Task Ordinary_prose_scores_full_marks()
    {
        var result = await _scorer.ScoreAsync(new QualityRequest(QualityTexts.PlainEnglish));

        Assert.Equal(100, result.Score);
    }

    [Fact]
    public async Task One_sentence_said_over_and_over_scores_nothing()
    {
        var looped = string.Join(' ', Enumerable.Repeat("Our garden tools are the best garden tools money can buy.", 8));

        var result = await _scorer.ScoreAsync(new QualityRequest(looped));

        Assert.Equal(0, result.Score);
        Assert.Contains("7 of 8 sentences", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_repeated_passage_costs_points_in_proportion()
    {
        // The plain text twice: about half of its trigrams and sentences are repeats, far past the 30% that scores 0;
        // with one sentence of six said again, it loses about half.
        var twice = await _scorer.ScoreAsync(new QualityRequest(QualityTexts.PlainEnglish + "\n\n" + QualityTexts.PlainEnglish));
        var once = await _scorer.ScoreAsync(new QualityRequest(QualityTexts.PlainEnglish + " Sow peas and spinach once the ground has warmed, usually in early April."));

        Assert.Equal(0, twice.Score);
        Assert.InRange(once.Score!.Value, 30, 70);
    }

    [Fact]
    public async Task Structured_output_is_skipped()
    {
        var result = await _scorer.ScoreAsync(new QualityRequest("""[{"a":1},{"a":1}]""") { Kind = QualityContentKind.Json });

        Assert.Equal(QualityScorerStatus.Skipped, result.Status);
    }
}

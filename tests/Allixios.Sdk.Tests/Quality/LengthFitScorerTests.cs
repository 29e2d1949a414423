using Allixios.Quality;
using Allixios.Quality.Scorers;
using Microsoft.Extensions.Options;
using Xunit;

namespace Allixios.Sdk.Tests.Quality;

public sealed class LengthFitScorerTests
{
    private readonly LengthFitScorer _scorer = new(Options.Create(new QualityScoringOptions { LengthTolerance = 0.1, LengthFalloff = 0.5 }));

    private static string Words(int count) => string.Join(' ', Enumerable.Repeat("word", count));

    [Theory]
    [InlineData(100, 100)]
    [InlineData(110, 100)]
    [InlineData(90, 100)]
    [InlineData(135, 50)]
    [InlineData(65, 50)]
    [InlineData(60, 40)]
    [InlineData(200, 0)]
    [InlineData(10, 0)]
    public async Task The_score_falls_linearly_outside_the_tolerance(int words, double expected)
    {
        var result = await _scorer.ScoreAsync(new QualityRequest(Words(words)) { TargetWords = 100 });

        Assert.Equal(expected, result.Score);
    }

    [Fact]
    public async Task Without_a_requested_length_it_is_skipped()
    {
        var result = await _scorer.ScoreAsync(new QualityRequest(Words(10)));

        Assert.Equal(QualityScorerStatus.Skipped, result.Status);
    }
}

using Allixios.Quality;
using Allixios.Quality.Scorers;
using Microsoft.Extensions.Options;
using Xunit;

namespace Allixios.Sdk.Tests.Quality;

public sealed class ReadabilityScorerTests
{
    private readonly ReadabilityScorer _scorer = new(Options.Create(new QualityScoringOptions()));

    [Fact]
    public void Reading_ease_follows_the_Flesch_formula_on_a_text_counted_by_hand()
    {
        // 6 words, 1 sentence, 6 syllables: 206.835 − 1.015 × 6 − 84.6 × 1 = 116.145.
        Assert.Equal(116.145, ReadabilityScorer.ReadingEase("The cat sat on the mat.")!.Value, 3);
        // 4 words, 2 sentences, 7 syllables (gar-den well wa-ter dai-ly): 206.835 − 1.015 × 2 − 84.6 × 7 / 4 = 56.755.
        Assert.Equal(56.755, ReadabilityScorer.ReadingEase("Garden well. Water daily!")!.Value, 3);
    }

    [Fact]
    public async Task Plain_everyday_English_scores_full_marks()
    {
        var result = await _scorer.ScoreAsync(new QualityRequest(QualityTexts.PlainEnglish));

        Assert.Equal(QualityScorerStatus.Scored, result.Status);
        Assert.Equal(100, result.Score);
        Assert.Contains("Flesch reading ease", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dense_academic_prose_scores_near_nothing()
    {
        var result = await _scorer.ScoreAsync(new QualityRequest(QualityTexts.DenseAcademic));

        Assert.Equal(QualityScorerStatus.Scored, result.Status);
        Assert.True(result.Score < 10, $"scored {result.Score}: {result.Detail}");
    }

    [Fact]
    public async Task A_text_too_simple_for_the_band_loses_points_by_its_distance_from_it()
    {
        var scorer = new ReadabilityScorer(Options.Create(new QualityScoringOptions { ReadabilityMinimum = 50, ReadabilityMaximum = 106.145, ReadabilityPenalty = 2 }));

        var result = await scorer.ScoreAsync(new QualityRequest("The cat sat on the mat."));

        // 116.145 is 10 points above the band's top: 100 − 10 × 2.
        Assert.Equal(80, result.Score);
    }

    [Fact]
    public async Task Other_languages_and_structured_output_are_skipped_not_misjudged()
    {
        var german = await _scorer.ScoreAsync(new QualityRequest("Der Garten erwacht im Frühling.") { Language = "de" });
        var json = await _scorer.ScoreAsync(new QualityRequest("""{"title":"x"}""") { Kind = QualityContentKind.Json });
        var english = await _scorer.ScoreAsync(new QualityRequest(QualityTexts.PlainEnglish) { Language = "en-GB" });

        Assert.Equal(QualityScorerStatus.Skipped, german.Status);
        Assert.Contains("'de'", german.Detail, StringComparison.Ordinal);
        Assert.Equal(QualityScorerStatus.Skipped, json.Status);
        Assert.Equal(QualityScorerStatus.Scored, english.Status);
    }
}

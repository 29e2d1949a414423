using Allixios.Quality;
using Allixios.Quality.Scorers;
using Allixios.Sdk.Tests.AiRouting;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Allixios.Sdk.Tests.Quality;

public sealed class QualityEnsembleTests
{
    private static QualityEnsemble Ensemble(QualityScoringOptions? options = null, IChatClient? judge = null)
    {
        var settings = Options.Create(options ?? new QualityScoringOptions());
        return new QualityEnsemble(
            [new ReadabilityScorer(settings), new StructureScorer(), new KeywordCoverageScorer(), new LengthFitScorer(settings), new RepetitionScorer(), new JsonSchemaScorer(), new ModelJudgeScorer(settings, judge)],
            settings);
    }

    [Fact]
    public async Task The_score_is_the_weighted_mean_of_the_scorers_that_scored_with_each_ones_share()
    {
        // Keywords: 1 of 2 = 50, weight 3; length: 5 words for 5 = 100, weight 1; the rest weigh 0.
        var options = new QualityScoringOptions();
        foreach (var name in options.Weights.Keys.ToList())
        {
            options.Weights[name] = 0;
        }

        options.Weights[QualityScorerNames.Keywords] = 3;
        options.Weights[QualityScorerNames.Length] = 1;

        var report = await Ensemble(options).ScoreAsync(new QualityRequest("Plant peas in early spring.") { Keywords = ["peas", "mulch"], TargetWords = 5 });

        Assert.Equal(62.5, report.Score);
        Assert.Equal(0.75, report[QualityScorerNames.Keywords]!.Share);
        Assert.Equal(0.25, report[QualityScorerNames.Length]!.Share);
        Assert.Equal(0, report[QualityScorerNames.Readability]!.Share);
        Assert.Equal(QualityScorerStatus.Skipped, report[QualityScorerNames.Structure]!.Status);
        Assert.Equal(7, report.Components.Count);
    }

    [Fact]
    public async Task A_good_article_outscores_a_looping_one_on_the_same_brief()
    {
        var brief = new QualityRequest(QualityTexts.StructuredArticle) { Kind = QualityContentKind.Article, Keywords = ["compost", "watering", "peas"], TargetWords = 320 };
        var looping = string.Join("\n\n", Enumerable.Repeat("Compost is great. Compost is great for peas. Watering is great.", 20));

        var good = await Ensemble().ScoreAsync(brief);
        var bad = await Ensemble().ScoreAsync(brief with { Text = looping });

        Assert.True(good.Score >= 95, $"good article scored {good.Score}: {string.Join(" | ", good.Components.Select(c => $"{c.Name} {c.Score} {c.Detail}"))}");
        Assert.Equal(0, bad[QualityScorerNames.Repetition]!.Score);
        Assert.True(bad.Score <= good.Score - 30, $"looping article scored {bad.Score}");
    }

    [Fact]
    public async Task A_failing_judge_is_listed_with_its_reason_and_left_out_of_the_mean()
    {
        var request = new QualityRequest("Plant peas in early spring.") { Keywords = ["peas"], UseJudge = true };
        var without = await Ensemble().ScoreAsync(request with { UseJudge = false });

        var report = await Ensemble(judge: new FakeChatClient("Looks fine to me!", new FakeTimeProvider())).ScoreAsync(request);

        Assert.Equal(without.Score, report.Score);
        Assert.Equal(QualityScorerStatus.Failed, report[QualityScorerNames.Judge]!.Status);
        Assert.Contains("Looks fine to me!", report[QualityScorerNames.Judge]!.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_judges_score_counts_by_its_weight()
    {
        var options = new QualityScoringOptions();
        foreach (var name in options.Weights.Keys.ToList())
        {
            options.Weights[name] = 0;
        }

        options.Weights[QualityScorerNames.Keywords] = 1;
        options.Weights[QualityScorerNames.Judge] = 3;

        var report = await Ensemble(options, new FakeChatClient("""{"score": 40, "reason": "thin"}""", new FakeTimeProvider()))
            .ScoreAsync(new QualityRequest("Plant peas.") { Keywords = ["peas"], UseJudge = true });

        // (1 × 100 + 3 × 40) / 4.
        Assert.Equal(55, report.Score);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \n ")]
    public async Task Empty_text_is_a_clear_error(string text)
    {
        var error = await Assert.ThrowsAsync<AllixiosException>(async () => await Ensemble().ScoreAsync(new QualityRequest(text)));

        Assert.Equal(AllixiosErrorKind.InvalidArgument, error.Kind);
        Assert.Equal("quality_text_empty", error.Reason);
    }

    [Fact]
    public async Task Weights_that_sum_to_zero_are_a_clear_error_before_any_judge_is_paid()
    {
        var judge = new FakeChatClient("""{"score": 90}""", new FakeTimeProvider());
        var zero = new Dictionary<string, double>
        {
            [QualityScorerNames.Readability] = 0, [QualityScorerNames.Structure] = 0, [QualityScorerNames.Keywords] = 0, [QualityScorerNames.Length] = 0,
            [QualityScorerNames.Repetition] = 0, [QualityScorerNames.JsonSchema] = 0, [QualityScorerNames.Judge] = 0,
        };

        var error = await Assert.ThrowsAsync<AllixiosException>(async () => await Ensemble(judge: judge).ScoreAsync(new QualityRequest("Plant peas.") { Weights = zero, UseJudge = true }));

        Assert.Equal("quality_weights_zero", error.Reason);
        Assert.Equal(0, judge.Calls);
    }

    [Fact]
    public async Task Weights_of_only_scorers_that_do_not_apply_are_a_clear_error()
    {
        // Only structure weighs anything, and a plain text is not an article.
        var weights = new Dictionary<string, double>
        {
            [QualityScorerNames.Readability] = 0, [QualityScorerNames.Structure] = 5, [QualityScorerNames.Keywords] = 0, [QualityScorerNames.Length] = 0,
            [QualityScorerNames.Repetition] = 0, [QualityScorerNames.JsonSchema] = 0, [QualityScorerNames.Judge] = 0,
        };

        var error = await Assert.ThrowsAsync<AllixiosException>(async () => await Ensemble().ScoreAsync(new QualityRequest("Plant peas.") { Weights = weights }));

        Assert.Equal("quality_weights_zero", error.Reason);
        Assert.Contains("readability, repetition", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("readability", -1, "quality_weight_invalid")]
    [InlineData("readability", double.NaN, "quality_weight_invalid")]
    [InlineData("fluency", 1, "quality_weight_unknown")]
    public async Task A_bad_weight_is_a_clear_error(string name, double weight, string reason)
    {
        var error = await Assert.ThrowsAsync<AllixiosException>(async () => await Ensemble().ScoreAsync(new QualityRequest("Plant peas.") { Weights = new Dictionary<string, double> { [name] = weight } }));

        Assert.Equal(reason, error.Reason);
        Assert.Contains(name, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_invalid_schema_and_a_length_below_one_are_clear_errors()
    {
        var schema = await Assert.ThrowsAsync<AllixiosException>(async () => await Ensemble().ScoreAsync(new QualityRequest("{}") { JsonSchema = "not a schema" }));
        var length = await Assert.ThrowsAsync<AllixiosException>(async () => await Ensemble().ScoreAsync(new QualityRequest("Plant peas.") { TargetWords = 0 }));

        Assert.Equal("quality_schema_invalid", schema.Reason);
        Assert.Equal("quality_length_invalid", length.Reason);
    }

    [Fact]
    public async Task A_too_long_text_is_a_clear_error()
    {
        var error = await Assert.ThrowsAsync<AllixiosException>(async () => await Ensemble(new QualityScoringOptions { MaxTextLength = 1_000 }).ScoreAsync(new QualityRequest(new string('a', 1_001))));

        Assert.Equal("quality_text_too_long", error.Reason);
    }

    [Fact]
    public async Task AddQualityScoring_builds_the_ensemble_with_every_built_in_scorer_and_rejects_a_bad_weight_at_start()
    {
        var services = new ServiceCollection();
        services.AddAllixios().AddQualityScoring().AddQualityScoring(o => o.Weights[QualityScorerNames.Judge] = 4);
        await using var provider = services.BuildServiceProvider();

        var ensemble = provider.GetRequiredService<QualityEnsemble>();

        Assert.Equal(
            [QualityScorerNames.Readability, QualityScorerNames.Structure, QualityScorerNames.Keywords, QualityScorerNames.Length, QualityScorerNames.Repetition, QualityScorerNames.JsonSchema, QualityScorerNames.Judge],
            ensemble.ScorerNames);
        Assert.Equal(4, provider.GetRequiredService<IOptions<QualityScoringOptions>>().Value.Weights[QualityScorerNames.Judge]);

        var bad = new ServiceCollection();
        bad.AddAllixios().AddQualityScoring(o => o.Weights[QualityScorerNames.Judge] = -2);
        await using var badProvider = bad.BuildServiceProvider();
        var error = Assert.Throws<OptionsValidationException>(() => badProvider.GetRequiredService<IOptions<QualityScoringOptions>>().Value);
        Assert.Contains("'judge' is -2", error.Message, StringComparison.Ordinal);
    }
}

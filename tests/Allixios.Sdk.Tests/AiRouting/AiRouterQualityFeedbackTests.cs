using Allixios.AiRouting;
using Allixios.Quality;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Allixios.Sdk.Tests.AiRouting;

/// <summary>
/// Recorded quality scores move the router's quality estimates, which the quality floor and quality-first use: three
/// models, small (prior 40, cheapest), medium (70), large (90, dearest); smoothing 0.1.
/// </summary>
public sealed class AiRouterQualityFeedbackTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public async Task A_cheap_model_that_keeps_scoring_well_comes_above_the_floor_and_takes_the_traffic()
    {
        var router = Router(o => o.DefaultPolicy.QualityFloor = 65);
        Assert.Equal("d-medium", await AnswerAsync(router));

        for (var i = 0; i < 10; i++)
        {
            Assert.True(router.RecordQuality("small", 90));
        }

        // 40 + 50 × (1 − 0.9^10) = 72.6, above the floor of 65.
        Assert.Equal(72.6, router.GetQualityEstimate("small")!.Value.Quality, 1);
        Assert.Equal(10, router.GetQualityEstimate("small")!.Value.Samples);
        Assert.Equal("d-small", await AnswerAsync(router));
    }

    [Fact]
    public async Task Quality_first_moves_off_a_model_whose_answers_score_poorly()
    {
        var router = Router(o => o.DefaultPolicy.Strategy = AiRoutingStrategy.QualityFirst);
        Assert.Equal("d-large", await AnswerAsync(router));

        for (var i = 0; i < 10; i++)
        {
            router.RecordQuality("large", 20);
        }

        // 90 − 70 × (1 − 0.9^10) = 44.4: medium (70) is now the best.
        Assert.Equal("d-medium", await AnswerAsync(router));
    }

    [Fact]
    public void Scores_move_the_estimate_from_the_prior_only_for_what_they_name()
    {
        var router = Router(o => o.Deployments.Add(new AiDeploymentOptions { Id = "d-medium-2", Provider = "p", Model = "medium" }));

        Assert.Equal((70.0, 0L), router.GetQualityEstimate("medium"));
        router.RecordQuality("d-medium-2", 100);

        // One deployment of medium moved to 73; the model's estimate is the mean of its deployments.
        Assert.Equal(73, router.GetQualityEstimate("d-medium-2")!.Value.Quality, 6);
        Assert.Equal(70, router.GetQualityEstimate("d-medium")!.Value.Quality, 6);
        Assert.Equal(71.5, router.GetQualityEstimate("medium")!.Value.Quality, 6);
        Assert.Equal(40, router.GetQualityEstimate("small")!.Value.Quality, 6);
        Assert.False(router.RecordQuality("no-such-model", 50));
        Assert.Null(router.GetQualityEstimate("no-such-model"));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(101)]
    [InlineData(double.NaN)]
    public void A_score_outside_0_to_100_is_refused(double score)
    {
        var error = Assert.Throws<AllixiosException>(() => Router().RecordQuality("small", score));

        Assert.Equal("quality_score_invalid", error.Reason);
    }

    [Fact]
    public async Task Quality_feedback_writes_the_quality_ledger_and_moves_the_routers_estimate()
    {
        var services = new ServiceCollection();
        services.AddAllixios()
            .AddAiRouting(o =>
            {
                o.Providers["openai"] = new AiProviderOptions { BaseAddress = new Uri("http://127.0.0.1:9/v1/") };
                o.Deployments.Add(new AiDeploymentOptions { Id = "mini", Provider = "openai", Model = "gpt-4o-mini" });
            })
            .AddQualityScoring();
        await using var provider = services.BuildServiceProvider();
        var router = provider.GetRequiredService<AiRouter>();
        var prior = router.GetQualityEstimate("gpt-4o-mini")!.Value.Quality;

        await provider.GetRequiredService<QualityFeedback>().RecordAsync(new QualityRecord(Guid.CreateVersion7(), "acme", _time.GetUtcNow(), "gpt-4o-mini", 100) { JobType = "content.generate" });

        Assert.Equal(prior + (0.1 * (100 - prior)), router.GetQualityEstimate("gpt-4o-mini")!.Value.Quality, 6);
        var summary = Assert.Single(await provider.GetRequiredService<IQualityLedger>().SummarizeAsync(new QualityQuery("acme")));
        Assert.Equal(new QualitySummary("content.generate", "gpt-4o-mini", 1, 100, 100), summary);
    }

    private AiRouter Router(Action<AiRoutingOptions>? configure = null)
    {
        var options = new AiRoutingOptions { UseDefaultPriceTable = false };
        options.Providers["p"] = new AiProviderOptions { BaseAddress = new Uri("http://127.0.0.1:9/v1/") };
        options.Models["small"] = new AiModelOverride { ContextWindow = 128_000, MaxOutputTokens = 4096, InputCostPerToken = 1e-7m, OutputCostPerToken = 2e-7m, QualityPrior = 40 };
        options.Models["medium"] = new AiModelOverride { ContextWindow = 128_000, MaxOutputTokens = 4096, InputCostPerToken = 5e-7m, OutputCostPerToken = 1e-6m, QualityPrior = 70 };
        options.Models["large"] = new AiModelOverride { ContextWindow = 128_000, MaxOutputTokens = 4096, InputCostPerToken = 3e-6m, OutputCostPerToken = 1.5e-5m, QualityPrior = 90 };
        foreach (var (id, model) in new[] { ("d-small", "small"), ("d-medium", "medium"), ("d-large", "large") })
        {
            options.Deployments.Add(new AiDeploymentOptions { Id = id, Provider = "p", Model = model });
        }

        configure?.Invoke(options);
        return new AiRouter(new AiModelCatalog(options), options, d => new FakeChatClient(d.Id, _time), _ => null, _time);
    }

    private static async Task<string> AnswerAsync(AiRouter router) => (await router.GetResponseAsync("Hi")).Text;
}

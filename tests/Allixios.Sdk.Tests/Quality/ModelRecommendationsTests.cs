using Allixios.Quality;
using Allixios.Usage;
using Microsoft.Extensions.Options;
using Xunit;

namespace Allixios.Sdk.Tests.Quality;

/// <summary>
/// Recommendations over a seeded ledger whose answer is known. content.generate: gpt-4o 10 calls for 0.50 (0.05 each,
/// quality 90), gpt-4o-mini 20 calls for 0.04 (0.002 each, quality 80), tiny 10 calls for 0.001 (0.0001 each,
/// quality 55). content.translate: gpt-4o 4 calls for 0.20, gpt-4o-mini 5 calls for 0.01 (quality 80, under the
/// job type's floor of 85).
/// </summary>
public sealed class ModelRecommendationsTests
{
    private const string Tenant = "acme";
    private static readonly DateTimeOffset T0 = new(2026, 11, 20, 9, 0, 0, TimeSpan.Zero);

    private readonly InMemoryUsageLedger _usage = new();
    private readonly InMemoryQualityLedger _quality = new();
    private readonly QualityScoringOptions _options = new() { DefaultQualityFloor = 75, MinimumScores = 3 };

    private ModelRecommendations Recommendations => new(_usage, _quality, Options.Create(_options));

    [Fact]
    public async Task The_cheapest_model_meeting_the_floor_is_recommended_with_the_saving_from_ledger_costs()
    {
        await SeedAsync();

        var recommendations = await Recommendations.GetAsync(new RecommendationQuery(Tenant));

        var gpt4o = Assert.Single(recommendations);
        Assert.Equal(new ModelRecommendation("content.generate", "gpt-4o", "gpt-4o-mini", "USD")
        {
            QualityFloor = 75,
            CurrentCalls = 10,
            CurrentCost = 0.50m,
            CurrentCostPerCall = 0.05m,
            CurrentQuality = 90,
            RecommendedQuality = 80,
            RecommendedScores = 5,
            RecommendedCostPerCall = 0.002m,
            // 0.50 − 10 × 0.002.
            EstimatedSaving = 0.48m,
        }, gpt4o);
    }

    [Fact]
    public async Task A_lower_floor_lets_the_cheapest_model_in_for_both_dearer_ones()
    {
        await SeedAsync();

        var recommendations = await Recommendations.GetAsync(new RecommendationQuery(Tenant) { QualityFloor = 50, JobType = "content.generate" });

        Assert.Equal(
            [("gpt-4o", "tiny", 0.499m), ("gpt-4o-mini", "tiny", 0.038m)],
            recommendations.Select(r => (r.CurrentModel, r.RecommendedModel, r.EstimatedSaving)));
    }

    [Fact]
    public async Task A_job_types_own_floor_applies_and_too_few_scores_never_recommend()
    {
        await SeedAsync();
        _options.QualityFloors["content.generate"] = 95;

        Assert.Empty(await Recommendations.GetAsync(new RecommendationQuery(Tenant)));

        _options.QualityFloors.Clear();
        _options.MinimumScores = 6;
        Assert.Empty(await Recommendations.GetAsync(new RecommendationQuery(Tenant)));
    }

    [Fact]
    public async Task Failed_calls_are_not_answers_and_other_tenants_do_not_count()
    {
        await SeedAsync();
        // gpt-4o-mini failed 20 more times for nothing: still 0.002 per answered call.
        await CallsAsync(Tenant, "content.generate", "gpt-4o-mini", 20, 0m, UsageOutcome.Failed);
        await ScoresAsync("other", "content.generate", "gpt-4o", 99, 10);

        var recommendation = Assert.Single(await Recommendations.GetAsync(new RecommendationQuery(Tenant)));

        Assert.Equal(0.002m, recommendation.RecommendedCostPerCall);
        Assert.Equal(0.48m, recommendation.EstimatedSaving);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(101)]
    public async Task A_floor_outside_0_to_100_is_a_clear_error(double floor)
    {
        var error = await Assert.ThrowsAsync<AllixiosException>(async () => await Recommendations.GetAsync(new RecommendationQuery(Tenant) { QualityFloor = floor }));

        Assert.Equal("invalid_quality_floor", error.Reason);
    }

    private async Task SeedAsync()
    {
        await CallsAsync(Tenant, "content.generate", "gpt-4o", 10, 0.05m);
        await CallsAsync(Tenant, "content.generate", "gpt-4o-mini", 20, 0.002m);
        await CallsAsync(Tenant, "content.generate", "tiny", 10, 0.0001m);
        await CallsAsync(Tenant, "content.translate", "gpt-4o", 4, 0.05m);
        await CallsAsync(Tenant, "content.translate", "gpt-4o-mini", 5, 0.002m);
        await ScoresAsync(Tenant, "content.generate", "gpt-4o", 90, 4);
        await ScoresAsync(Tenant, "content.generate", "gpt-4o-mini", 80, 5);
        await ScoresAsync(Tenant, "content.generate", "tiny", 55, 5);
        await ScoresAsync(Tenant, "content.translate", "gpt-4o-mini", 80, 5);
        _options.QualityFloors["content.translate"] = 85;
    }

    private async Task CallsAsync(string tenant, string jobType, string model, int calls, decimal each, UsageOutcome outcome = UsageOutcome.Succeeded)
    {
        for (var i = 0; i < calls; i++)
        {
            await _usage.RecordAsync(new UsageEntry(Guid.CreateVersion7(), tenant, T0.AddMinutes(i), each, "USD", outcome) { JobType = jobType, Model = model, Provider = "p" });
        }
    }

    private async Task ScoresAsync(string tenant, string jobType, string model, double score, int count)
    {
        for (var i = 0; i < count; i++)
        {
            await _quality.RecordAsync(new QualityRecord(Guid.CreateVersion7(), tenant, T0.AddMinutes(i), model, score) { JobType = jobType });
        }
    }
}

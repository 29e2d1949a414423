using Allixios.AiRouting;
using Allixios.Quality;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit;

namespace Allixios.Testing.Quality;

/// <summary>The contract of <see cref="IQualityLedger"/>; derive once per implementation.</summary>
public abstract class QualityLedgerConformance : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2025, 3, 14, 10, 0, 0, TimeSpan.Zero);

    private IQualityLedger? _ledger;

    /// <summary>The ledger under test, fresh for this test.</summary>
    protected IQualityLedger Ledger => _ledger ?? throw new InvalidOperationException("The ledger is created in InitializeAsync.");

    /// <summary>Creates a fresh, empty ledger.</summary>
    protected abstract Task<IQualityLedger> CreateLedgerAsync();

    /// <inheritdoc />
    public async Task InitializeAsync() => _ledger = await CreateLedgerAsync();

    /// <inheritdoc />
    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Scores_are_summarized_by_job_type_and_model_in_ordinal_order_with_no_job_type_first()
    {
        await RecordAsync("tenant-a", "gpt-4o", "content.generate", 90, T0);
        await RecordAsync("tenant-a", "gpt-4o", "content.generate", 80, T0.AddMinutes(1));
        await RecordAsync("tenant-a", "gpt-4o-mini", "content.generate", 70, T0);
        await RecordAsync("tenant-a", "gpt-4o-mini", "content.generate", 75, T0);
        await RecordAsync("tenant-a", "gpt-4o-mini", "content.generate", 65, T0);
        await RecordAsync("tenant-a", "Claude", "content.translate", 88, T0);
        await RecordAsync("tenant-a", "gpt-4o", null, 50, T0);

        var rows = await Ledger.SummarizeAsync(new QualityQuery("tenant-a"));

        Assert.Equal(
            [
                new QualitySummary(null, "gpt-4o", 1, 50, 50),
                new QualitySummary("content.generate", "gpt-4o", 2, 85, 80),
                new QualitySummary("content.generate", "gpt-4o-mini", 3, 70, 65),
                new QualitySummary("content.translate", "Claude", 1, 88, 88),
            ],
            rows);
    }

    [Fact]
    public async Task A_summary_keeps_to_its_tenant_window_job_type_and_model()
    {
        await RecordAsync("tenant-a", "m", "t", 60, T0);
        await RecordAsync("tenant-a", "m", "t", 80, T0.AddHours(1));
        await RecordAsync("tenant-a", "n", "t", 10, T0.AddHours(1));
        await RecordAsync("tenant-a", "m", "u", 10, T0.AddHours(1));
        await RecordAsync("tenant-b", "m", "t", 10, T0.AddHours(1));

        var window = await Ledger.SummarizeAsync(new QualityQuery("tenant-a") { From = T0.AddMinutes(30), To = T0.AddHours(2), JobType = "t", Model = "m" });
        var everyone = await Ledger.SummarizeAsync(new QualityQuery(null) { JobType = "t", Model = "m" });

        Assert.Equal([new QualitySummary("t", "m", 1, 80, 80)], window);
        Assert.Equal([new QualitySummary("t", "m", 3, 50, 10)], everyone);
    }

    [Fact]
    public async Task Recording_the_same_id_again_counts_it_once()
    {
        var record = new QualityRecord(Guid.CreateVersion7(), "tenant-a", T0, "m", 42.5) { JobType = "t", JobId = Guid.CreateVersion7(), DeploymentId = "d" };

        await Ledger.RecordAsync(record);
        await Ledger.RecordAsync(record with { Score = 99 });

        Assert.Equal([new QualitySummary("t", "m", 1, 42.5, 42.5)], await Ledger.SummarizeAsync(new QualityQuery("tenant-a")));
    }

    [Theory]
    [InlineData(-0.5, "m", "quality_score_invalid")]
    [InlineData(100.5, "m", "quality_score_invalid")]
    [InlineData(double.NaN, "m", "quality_score_invalid")]
    [InlineData(50, " ", "quality_model_required")]
    public async Task A_bad_record_is_refused_and_nothing_is_recorded(double score, string model, string reason)
    {
        var error = await Assert.ThrowsAsync<AllixiosException>(async () => await Ledger.RecordAsync(new QualityRecord(Guid.CreateVersion7(), "tenant-a", T0, model, score)));

        Assert.Equal(AllixiosErrorKind.InvalidArgument, error.Kind);
        Assert.Equal(reason, error.Reason);
        Assert.Empty(await Ledger.SummarizeAsync(new QualityQuery("tenant-a")));
    }

    [Fact]
    public async Task The_newest_scores_of_each_model_come_back_oldest_first_of_every_tenant_names_matched_ignoring_case()
    {
        await RecordAsync("tenant-a", "m", "t", 10, T0);
        await RecordAsync("tenant-b", "M", "t", 20, T0.AddMinutes(1));
        await RecordAsync("tenant-a", "m", null, 30, T0.AddMinutes(2));
        await RecordAsync("tenant-a", "n", "t", 40, T0.AddMinutes(3));
        await RecordAsync("tenant-b", "m", "t", 50, T0.AddMinutes(4));
        await RecordAsync("tenant-a", "other", "t", 60, T0.AddMinutes(5));

        var latest = await Ledger.LatestByModelAsync(["m", "N", "absent"], perModel: 3);

        // m's three newest (20, 30, 50; 10 is past the bound) and n's one, merged oldest first; "other" was not asked for.
        Assert.Equal([20.0, 30, 40, 50], latest.Select(r => r.Score));
        Assert.Equal(["M", "m", "n", "m"], latest.Select(r => r.Model));
        Assert.Equal(["tenant-b", "tenant-a", "tenant-a", "tenant-b"], latest.Select(r => r.TenantId));
        Assert.Equal(T0.AddMinutes(1), latest[0].At);
        Assert.Null(latest[1].JobType);
        Assert.Equal("t", latest[2].JobType);
        Assert.Empty(await Ledger.LatestByModelAsync([], perModel: 3));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await Ledger.LatestByModelAsync(["m"], perModel: 0));
    }

    [Fact]
    public async Task The_routers_moving_quality_after_a_restart_equals_the_one_before()
    {
        // Scores under the model name (both its deployments) and under one deployment id, interleaved in time, and a
        // second model: the restore must replay them in the order they moved the estimates.
        (double, long)? mini, miniB, gpt4o;
        var random = new Random(7);
        await using (var before = RouterServices())
        {
            var feedback = before.GetRequiredService<QualityFeedback>();
            for (var i = 0; i < 40; i++)
            {
                var name = (i % 5) switch { 0 => "mini-b", 1 => "gpt-4o", _ => "gpt-4o-mini" };
                await feedback.RecordAsync(new QualityRecord(Guid.CreateVersion7(), i % 2 == 0 ? "tenant-a" : "tenant-b", T0.AddSeconds(i), name, Math.Round(random.NextDouble() * 100, 2)));
            }

            var router = before.GetRequiredService<AiRouter>();
            (mini, miniB, gpt4o) = (router.GetQualityEstimate("mini-a"), router.GetQualityEstimate("mini-b"), router.GetQualityEstimate("gpt-4o"));
            Assert.NotEqual(router.Catalog.Deployments[0].Model.QualityPrior, mini!.Value.Item1);
        }

        await using var after = RouterServices();
        var restarted = after.GetRequiredService<AiRouter>();
        var prior = restarted.GetQualityEstimate("mini-a");
        var hosted = after.GetServices<IHostedService>().ToList();
        foreach (var service in hosted)
        {
            await service.StartAsync(CancellationToken.None);
        }

        try
        {
            Assert.Equal((restarted.Catalog.Deployments[0].Model.QualityPrior, 0L), prior);
            Assert.Equal(mini, restarted.GetQualityEstimate("mini-a"));
            Assert.Equal(miniB, restarted.GetQualityEstimate("mini-b"));
            Assert.Equal(gpt4o, restarted.GetQualityEstimate("gpt-4o"));
        }
        finally
        {
            foreach (var service in hosted)
            {
                await service.StopAsync(CancellationToken.None);
            }
        }
    }

    private ServiceProvider RouterServices()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(Ledger);
        services.AddAllixios()
            .AddAiRouting(o =>
            {
                o.Providers["openai"] = new AiProviderOptions { BaseAddress = new Uri("http://127.0.0.1:9/v1/") };
                o.Deployments.Add(new AiDeploymentOptions { Id = "mini-a", Provider = "openai", Model = "gpt-4o-mini" });
                o.Deployments.Add(new AiDeploymentOptions { Id = "mini-b", Provider = "openai", Model = "gpt-4o-mini" });
                o.Deployments.Add(new AiDeploymentOptions { Id = "big", Provider = "openai", Model = "gpt-4o" });
            })
            .AddQualityScoring();
        return services.BuildServiceProvider();
    }

    private async Task RecordAsync(string tenant, string model, string? jobType, double score, DateTimeOffset at) =>
        await Ledger.RecordAsync(new QualityRecord(Guid.CreateVersion7(), tenant, at, model, score) { JobType = jobType });
}

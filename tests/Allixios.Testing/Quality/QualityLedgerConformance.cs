using Allixios.Quality;
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

    private async Task RecordAsync(string tenant, string model, string? jobType, double score, DateTimeOffset at) =>
        await Ledger.RecordAsync(new QualityRecord(Guid.CreateVersion7(), tenant, at, model, score) { JobType = jobType });
}

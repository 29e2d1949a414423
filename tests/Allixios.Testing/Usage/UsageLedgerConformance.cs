using Allixios.Usage;
using Xunit;

namespace Allixios.Testing.Usage;

/// <summary>The contract of <see cref="IUsageLedger"/>; derive once per implementation.</summary>
public abstract class UsageLedgerConformance : IAsyncLifetime
{
    private static readonly DateTimeOffset Day1 = new(2025, 3, 14, 10, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Day2 = Day1.AddDays(1);

    private IUsageLedger? _ledger;

    /// <summary>The ledger under test, fresh for this test.</summary>
    protected IUsageLedger Ledger => _ledger ?? throw new InvalidOperationException("The ledger is created in InitializeAsync.");

    /// <summary>Creates a fresh, empty ledger.</summary>
    protected abstract Task<IUsageLedger> CreateLedgerAsync();

    /// <inheritdoc />
    public async Task InitializeAsync() => _ledger = await CreateLedgerAsync();

    /// <inheritdoc />
    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_recorded_entry_is_read_back_whole_and_recording_it_again_counts_it_once()
    {
        var entry = Entry("tenant-a", Day1, 0.0125m, "gpt-4o-mini", "openai", "content.generate") with
        {
            ApiKeyId = "key-1",
            JobId = Guid.CreateVersion7(),
            InputTokens = 1200,
            OutputTokens = 350,
            Latency = TimeSpan.FromMilliseconds(840.5),
        };

        await Ledger.RecordAsync(entry);
        await Ledger.RecordAsync(entry);
        var read = Assert.Single(await Ledger.ListAsync(new UsageQuery("tenant-a")));

        Assert.Equal(entry, read);
    }

    [Fact]
    public async Task Entries_are_listed_newest_first_filtered_and_paged_within_one_tenant()
    {
        var entries = Enumerable.Range(0, 5).Select(i => Entry("tenant-a", Day1.AddMinutes(i), i, i % 2 == 0 ? "m-even" : "m-odd", "p", "t")).ToList();
        foreach (var e in entries)
        {
            await Ledger.RecordAsync(e);
        }

        await Ledger.RecordAsync(Entry("tenant-b", Day1, 9m, "m-even", "p", "t"));

        var first = await Ledger.ListAsync(new UsageQuery("tenant-a") { Limit = 2 });
        var next = await Ledger.ListAsync(new UsageQuery("tenant-a") { Limit = 2, Before = first[^1].Id });
        var even = await Ledger.ListAsync(new UsageQuery("tenant-a") { Model = "m-even" });
        var window = await Ledger.ListAsync(new UsageQuery("tenant-a") { From = Day1.AddMinutes(1), To = Day1.AddMinutes(3) });

        Assert.Equal([entries[4].Id, entries[3].Id], first.Select(e => e.Id));
        Assert.Equal([entries[2].Id, entries[1].Id], next.Select(e => e.Id));
        Assert.Equal([entries[4].Id, entries[2].Id, entries[0].Id], even.Select(e => e.Id));
        Assert.Equal([entries[2].Id, entries[1].Id], window.Select(e => e.Id));
    }

    [Fact]
    public async Task Analytics_sum_calls_tokens_cost_and_failures_by_model_and_day()
    {
        await Ledger.RecordAsync(Entry("tenant-a", Day1, 1.5m, "big", "openai", "content.generate") with { InputTokens = 100, OutputTokens = 10, Latency = TimeSpan.FromMilliseconds(100) });
        await Ledger.RecordAsync(Entry("tenant-a", Day1.AddHours(1), 0.5m, "big", "openai", "content.generate", UsageOutcome.Failed) with { InputTokens = 50, Latency = TimeSpan.FromMilliseconds(300) });
        await Ledger.RecordAsync(Entry("tenant-a", Day1, 0.1m, "small", "anthropic", "content.translate") with { InputTokens = 7 });
        await Ledger.RecordAsync(Entry("tenant-a", Day2, 2m, "big", "openai", "content.generate"));
        await Ledger.RecordAsync(Entry("tenant-b", Day1, 100m, "big", "openai", "content.generate"));

        var byModelAndDay = await Ledger.SummarizeAsync(new UsageQuery("tenant-a"), UsageDimensions.Model | UsageDimensions.Day);
        var byProvider = await Ledger.SummarizeAsync(new UsageQuery("tenant-a"), UsageDimensions.Provider);
        var byJobType = await Ledger.SummarizeAsync(new UsageQuery("tenant-a") { From = Day1, To = Day2 }, UsageDimensions.JobType);
        var total = Assert.Single(await Ledger.SummarizeAsync(new UsageQuery("tenant-a"), UsageDimensions.None));

        Assert.Equal(
            [("big", new DateOnly(2025, 3, 14), 2L, 1L, 150L, 10L, 2.0m), ("big", new DateOnly(2025, 3, 15), 1L, 0L, 0L, 0L, 2m), ("small", new DateOnly(2025, 3, 14), 1L, 0L, 7L, 0L, 0.1m)],
            byModelAndDay.Select(r => (r.Model, r.Day!.Value, r.Calls, r.Failures, r.InputTokens, r.OutputTokens, r.Cost)));
        Assert.Equal(200, byModelAndDay[0].AverageLatency.TotalMilliseconds, 3);
        Assert.All(byModelAndDay, r => Assert.Null(r.Provider));
        Assert.Equal([("anthropic", 0.1m), ("openai", 4.0m)], byProvider.Select(r => (r.Provider!, r.Cost)));
        Assert.Equal([("content.generate", 2L), ("content.translate", 1L)], byJobType.Select(r => (r.JobType!, r.Calls)));
        Assert.Equal((4L, 4.1m, "USD"), (total.Calls, total.Cost, total.Currency));
    }

    [Fact]
    public async Task Platform_analytics_group_by_tenant_and_keep_currencies_apart()
    {
        await Ledger.RecordAsync(Entry("tenant-a", Day1, 1m, "m", "p", "t"));
        await Ledger.RecordAsync(Entry("tenant-a", Day1, 2m, "m", "p", "t") with { Currency = "EUR" });
        await Ledger.RecordAsync(Entry("tenant-b", Day1, 3m, "m", "p", "t"));

        var rows = await Ledger.SummarizeAsync(new UsageQuery(TenantId: null), UsageDimensions.Tenant);

        Assert.Equal([("tenant-a", "EUR", 2m), ("tenant-a", "USD", 1m), ("tenant-b", "USD", 3m)], rows.Select(r => (r.TenantId!, r.Currency, r.Cost)));
    }

    [Fact]
    public async Task A_bad_entry_is_refused_with_what_to_fix_and_nothing_is_recorded()
    {
        var negative = await Assert.ThrowsAsync<AllixiosException>(async () => await Ledger.RecordAsync(Entry("tenant-a", Day1, -1m, "m", "p", "t")));
        var tokens = await Assert.ThrowsAsync<AllixiosException>(async () => await Ledger.RecordAsync(Entry("tenant-a", Day1, 1m, "m", "p", "t") with { OutputTokens = -5 }));
        var currency = await Assert.ThrowsAsync<AllixiosException>(async () => await Ledger.RecordAsync(Entry("tenant-a", Day1, 1m, "m", "p", "t") with { Currency = "ABC" }));

        Assert.Equal("invalid_usage", negative.Reason);
        Assert.Equal("invalid_usage", tokens.Reason);
        Assert.Equal("unknown_currency", currency.Reason);
        Assert.Empty(await Ledger.ListAsync(new UsageQuery("tenant-a")));
    }

    [Fact]
    public async Task Entries_from_before_the_cutoff_are_deleted_oldest_first_a_batch_at_a_time_across_tenants()
    {
        var cutoff = Day1.AddMinutes(3);
        var entries = Enumerable.Range(0, 5).Select(i => Entry(i % 2 == 0 ? "tenant-a" : "tenant-b", Day1.AddMinutes(i), 1m, "m", "p", "t")).ToList();
        foreach (var e in entries.AsEnumerable().Reverse())
        {
            await Ledger.RecordAsync(e);
        }

        var first = await Ledger.DeleteOlderThanAsync(cutoff, batchSize: 2);
        var afterFirst = await Ledger.ListAsync(new UsageQuery(TenantId: null));
        var second = await Ledger.DeleteOlderThanAsync(cutoff, batchSize: 2);
        var third = await Ledger.DeleteOlderThanAsync(cutoff, batchSize: 2);
        var kept = await Ledger.ListAsync(new UsageQuery(TenantId: null));
        var total = Assert.Single(await Ledger.SummarizeAsync(new UsageQuery(TenantId: null), UsageDimensions.None));

        Assert.Equal(2, first);
        Assert.Equal([entries[4].Id, entries[3].Id, entries[2].Id], afterFirst.Select(e => e.Id));
        Assert.Equal(1, second);
        Assert.Equal(0, third);
        // An entry at the cutoff itself is kept.
        Assert.Equal([entries[4].Id, entries[3].Id], kept.Select(e => e.Id));
        Assert.Equal((2, 2m), (total.Calls, total.Cost));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(100_001)]
    public async Task A_retention_batch_out_of_range_is_refused_and_nothing_is_deleted(int batchSize)
    {
        await Ledger.RecordAsync(Entry("tenant-a", Day1, 1m, "m", "p", "t"));

        var refused = await Assert.ThrowsAsync<AllixiosException>(async () => await Ledger.DeleteOlderThanAsync(Day2, batchSize));

        Assert.Equal("usage_retention_batch_out_of_range", refused.Reason);
        Assert.Single(await Ledger.ListAsync(new UsageQuery("tenant-a")));
    }

    private static UsageEntry Entry(string tenant, DateTimeOffset at, decimal cost, string model, string provider, string jobType, UsageOutcome outcome = UsageOutcome.Succeeded) =>
        new(Guid.CreateVersion7(at), tenant, at, cost, "USD", outcome) { Model = model, Provider = provider, JobType = jobType };
}

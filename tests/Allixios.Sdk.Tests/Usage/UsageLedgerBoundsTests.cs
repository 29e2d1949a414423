using Allixios.Usage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Allixios.Sdk.Tests.Usage;

// The embedded ledger's bound on its size, and the retention service that both ledgers run under.
public sealed class UsageLedgerBoundsTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 26, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task The_in_memory_ledger_keeps_its_capacity_of_newest_entries_and_drops_the_oldest()
    {
        var ledger = new InMemoryUsageLedger(capacity: 3);
        var entries = Enumerable.Range(0, 5).Select(i => Entry(Start.AddMinutes(i))).ToList();
        foreach (var e in entries)
        {
            await ledger.RecordAsync(e);
        }

        // Older than everything kept: it is the oldest, so it goes at once.
        await ledger.RecordAsync(Entry(Start.AddMinutes(-1)));
        var kept = await ledger.ListAsync(new UsageQuery("tenant-a"));
        var paged = await ledger.ListAsync(new UsageQuery("tenant-a") { Before = entries[3].Id });
        var total = Assert.Single(await ledger.SummarizeAsync(new UsageQuery("tenant-a"), UsageDimensions.None));

        Assert.Equal([entries[4].Id, entries[3].Id, entries[2].Id], kept.Select(e => e.Id));
        Assert.Equal([entries[2].Id], paged.Select(e => e.Id));
        Assert.Equal(3, total.Calls);
    }

    [Fact]
    public async Task Entries_recorded_out_of_order_are_listed_and_dropped_by_time_however_many_come_and_go()
    {
        var ledger = new InMemoryUsageLedger(capacity: 1_500);
        var random = new Random(7);
        var entries = new List<UsageEntry>();
        for (var i = 0; i < 5_000; i++)
        {
            // Calls end out of order by up to a few seconds, as concurrent ones do.
            var entry = Entry(Start.AddSeconds(i - random.Next(0, 4)));
            entries.Add(entry);
            await ledger.RecordAsync(entry);
        }

        var newestFirst = entries.OrderByDescending(e => e.At).ThenByDescending(e => e.Id).ToList();
        var all = await ledger.ListAsync(new UsageQuery("tenant-a") { Limit = 1_000 });
        var page = await ledger.ListAsync(new UsageQuery("tenant-a") { Before = newestFirst[100].Id, Limit = 50 });
        var deleted = await ledger.DeleteOlderThanAsync(newestFirst[1_000].At, batchSize: 10_000);

        Assert.Equal(newestFirst.Take(1_000).Select(e => e.Id), all.Select(e => e.Id));
        Assert.Equal(newestFirst.Skip(101).Take(50).Select(e => e.Id), page.Select(e => e.Id));
        Assert.Equal(newestFirst.Take(1_500).Count(e => e.At < newestFirst[1_000].At), deleted);
        Assert.Equal(1_500 - deleted, Assert.Single(await ledger.SummarizeAsync(new UsageQuery("tenant-a"), UsageDimensions.None)).Calls);
    }

    [Fact]
    public void A_capacity_below_one_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new InMemoryUsageLedger(capacity: 0));
    }

    [Fact]
    public async Task AddUsage_sizes_the_in_memory_ledger_and_runs_a_retention_service_that_deletes_entries_past_the_retention()
    {
        var time = new FakeTimeProvider(Start);
        using var host = Build(time, o =>
        {
            o.InMemoryLedgerCapacity = 5_000;
            o.LedgerRetention = TimeSpan.FromDays(30);
        });
        var ledger = host.Services.GetRequiredService<IUsageLedger>();
        var retention = host.Services.GetServices<IHostedService>().OfType<UsageLedgerRetention>().Single();
        for (var i = 0; i < UsageLedgerRetention.BatchSize + 5; i++)
        {
            await ledger.RecordAsync(Entry(Start));
        }

        time.Advance(TimeSpan.FromDays(20));
        var recent = Entry(time.GetUtcNow());
        await ledger.RecordAsync(recent);

        var beforeRetention = await retention.PruneAsync();
        time.Advance(TimeSpan.FromDays(11));
        var pastRetention = await retention.PruneAsync();

        Assert.Equal(5_000, Assert.IsType<InMemoryUsageLedger>(ledger).Capacity);
        Assert.Equal(0, beforeRetention);
        Assert.Equal(UsageLedgerRetention.BatchSize + 5, pastRetention);
        Assert.Equal([recent.Id], (await ledger.ListAsync(new UsageQuery("tenant-a"))).Select(e => e.Id));
    }

    [Theory]
    [InlineData(0, 400, 1)]
    [InlineData(100, 0.5, 1)]
    [InlineData(100, 400, 0)]
    public void Usage_options_out_of_range_are_refused_at_start(int capacity, double retentionDays, double intervalSeconds)
    {
        using var host = Build(new FakeTimeProvider(Start), o =>
        {
            o.InMemoryLedgerCapacity = capacity;
            o.LedgerRetention = TimeSpan.FromDays(retentionDays);
            o.LedgerRetentionInterval = TimeSpan.FromSeconds(intervalSeconds);
        });

        Assert.Throws<OptionsValidationException>(() => host.Services.GetRequiredService<IOptions<UsageOptions>>().Value);
    }

    private static IHost Build(TimeProvider time, Action<UsageOptions> configure)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddSingleton(time);
        builder.Services.AddAllixios(o => o.InstanceName = "ledger-bounds").AddUsage(configure);
        return builder.Build();
    }

    private static UsageEntry Entry(DateTimeOffset at) =>
        new(Guid.CreateVersion7(at), "tenant-a", at, 0.01m, "USD", UsageOutcome.Succeeded) { Model = "m", Provider = "p", JobType = "t" };
}

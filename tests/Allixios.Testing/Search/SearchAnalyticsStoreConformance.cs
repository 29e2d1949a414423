using System.Security.Cryptography;
using Allixios.Search.Analytics;
using Allixios.Search.Hybrid;
using Xunit;

namespace Allixios.Testing.Search;

/// <summary>
/// What every <see cref="ISearchAnalyticsStore"/> must do, run against the in-memory store (unit tests) and the
/// PostgreSQL store (integration tests), so that the embedded default and production report alike.
/// </summary>
public abstract class SearchAnalyticsStoreConformance : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    private ISearchAnalyticsStore? _store;

    /// <summary>The store under test.</summary>
    protected ISearchAnalyticsStore Store => _store ?? throw new InvalidOperationException("The store is created in InitializeAsync, before each test.");

    /// <summary>A tenant of this test only, so tests may share a store.</summary>
    protected string TenantA { get; } = "ta-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(5));

    /// <summary>Another tenant of this test only.</summary>
    protected string TenantB { get; } = "tb-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(5));

    /// <summary>Creates the store under test.</summary>
    protected abstract Task<ISearchAnalyticsStore> CreateStoreAsync();

    /// <inheritdoc />
    public async Task InitializeAsync() => _store = await CreateStoreAsync();

    /// <inheritdoc />
    public virtual Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_logged_query_reads_back_whole_once_and_only_in_its_tenant()
    {
        var entry = Query("Wing  Flow", 3, T0) with { UserId = "u-1", ExperimentId = "exp", Arm = "b", Mode = SearchMode.Hybrid, Latency = TimeSpan.FromMilliseconds(12.5) };

        await Store.RecordQueryAsync(TenantA, entry);
        await Store.RecordQueryAsync(TenantA, entry with { ResultCount = 99 });
        var read = await Store.GetQueryAsync(TenantA, entry.QueryId);
        var other = await Store.GetQueryAsync(TenantB, entry.QueryId);
        var listed = await Store.ListQueriesAsync(TenantA, T0, T0.AddDays(1), 10);

        Assert.Equal(entry, read);
        Assert.Equal("wing flow", read!.NormalizedText);
        Assert.Null(other);
        Assert.Equal([entry.QueryId], listed.Select(q => q.QueryId));
        Assert.Empty(await Store.ListQueriesAsync(TenantB, T0, T0.AddDays(1), 10));
    }

    [Fact]
    public async Task The_query_log_lists_newest_first_within_the_window()
    {
        var early = Query("a", 1, T0);
        var middle = Query("b", 1, T0.AddMinutes(1));
        var late = Query("c", 1, T0.AddMinutes(2));
        foreach (var q in new[] { middle, late, early })
        {
            await Store.RecordQueryAsync(TenantA, q);
        }

        var all = await Store.ListQueriesAsync(TenantA, T0, T0.AddHours(1), 10);
        var window = await Store.ListQueriesAsync(TenantA, T0, T0.AddMinutes(2), 1);

        Assert.Equal([late.QueryId, middle.QueryId, early.QueryId], all.Select(q => q.QueryId));
        Assert.Equal([middle.QueryId], window.Select(q => q.QueryId));
    }

    [Fact]
    public async Task Popular_queries_group_normalised_text_and_count_only_the_window_and_tenant()
    {
        await Store.RecordQueryAsync(TenantA, Query("Wing", 2, T0));
        await Store.RecordQueryAsync(TenantA, Query(" wing ", 2, T0.AddMinutes(1)));
        await Store.RecordQueryAsync(TenantA, Query("WING", 0, T0.AddMinutes(2)));
        await Store.RecordQueryAsync(TenantA, Query("flow", 1, T0.AddMinutes(3)));
        await Store.RecordQueryAsync(TenantA, Query("heat", 1, T0.AddMinutes(3)));
        await Store.RecordQueryAsync(TenantA, Query("flow", 1, T0.AddDays(2)));
        for (var i = 0; i < 5; i++)
        {
            await Store.RecordQueryAsync(TenantB, Query("heat", 0, T0));
        }

        var popular = await Store.GetQueryStatsAsync(TenantA, new QueryStatsRequest(T0, T0.AddDays(1)));
        var top1 = await Store.GetQueryStatsAsync(TenantA, new QueryStatsRequest(T0, T0.AddDays(1)) { Top = 1 });

        Assert.Equal(
            [new QueryStats("wing", 3, 1, 0, 0), new QueryStats("flow", 1, 0, 0, 0), new QueryStats("heat", 1, 0, 0, 0)],
            popular);
        Assert.Equal(["wing"], top1.Select(s => s.Query));
    }

    [Fact]
    public async Task Zero_result_queries_list_only_queries_that_found_nothing_most_often_first()
    {
        await Store.RecordQueryAsync(TenantA, Query("xyzzy", 0, T0));
        await Store.RecordQueryAsync(TenantA, Query("xyzzy", 0, T0));
        await Store.RecordQueryAsync(TenantA, Query("wing", 0, T0));
        await Store.RecordQueryAsync(TenantA, Query("wing", 4, T0));
        await Store.RecordQueryAsync(TenantA, Query("wing", 4, T0));
        await Store.RecordQueryAsync(TenantA, Query("flow", 4, T0));

        var zero = await Store.GetQueryStatsAsync(TenantA, new QueryStatsRequest(T0, T0.AddHours(1)) { Order = QueryStatsOrder.ZeroResults });

        Assert.Equal([new QueryStats("xyzzy", 2, 2, 0, 0), new QueryStats("wing", 3, 1, 0, 0)], zero);
    }

    [Fact]
    public async Task Clicks_count_once_per_document_and_query_and_make_the_click_through_rate()
    {
        var wing1 = Query("wing", 3, T0);
        var wing2 = Query("wing", 3, T0);
        var flow1 = Query("flow", 3, T0);
        var heat1 = Query("heat", 3, T0);
        foreach (var q in new[] { wing1, wing2, flow1, heat1 })
        {
            await Store.RecordQueryAsync(TenantA, q);
        }

        Assert.True(await Store.RecordClickAsync(TenantA, new SearchClick(wing1.QueryId, "a", 1, T0)));
        Assert.False(await Store.RecordClickAsync(TenantA, new SearchClick(wing1.QueryId, "a", 1, T0)));
        Assert.True(await Store.RecordClickAsync(TenantA, new SearchClick(wing1.QueryId, "b", 2, T0)));
        Assert.True(await Store.RecordClickAsync(TenantA, new SearchClick(flow1.QueryId, "c", 1, T0)));

        var ctr = await Store.GetQueryStatsAsync(TenantA, new QueryStatsRequest(T0, T0.AddHours(1)) { Order = QueryStatsOrder.ClickThroughRate });

        Assert.Equal(
            [new QueryStats("flow", 1, 0, 1, 1), new QueryStats("wing", 2, 0, 1, 2), new QueryStats("heat", 1, 0, 0, 0)],
            ctr);
        Assert.Equal(0.5, ctr[1].ClickThroughRate);
    }

    [Fact]
    public async Task A_click_on_a_query_the_tenant_never_logged_is_not_found()
    {
        var mine = Query("wing", 1, T0);
        await Store.RecordQueryAsync(TenantA, mine);

        var unknown = await Assert.ThrowsAsync<AllixiosException>(async () => await Store.RecordClickAsync(TenantA, new SearchClick(Guid.NewGuid(), "a", 1, T0)));
        var foreign = await Assert.ThrowsAsync<AllixiosException>(async () => await Store.RecordClickAsync(TenantB, new SearchClick(mine.QueryId, "a", 1, T0)));
        var position = await Assert.ThrowsAsync<AllixiosException>(async () => await Store.RecordClickAsync(TenantA, new SearchClick(mine.QueryId, "a", 0, T0)));
        var document = await Assert.ThrowsAsync<AllixiosException>(async () => await Store.RecordClickAsync(TenantA, new SearchClick(mine.QueryId, "", 1, T0)));

        Assert.Equal(("search_query_not_found", AllixiosErrorKind.NotFound), (unknown.Reason, unknown.Kind));
        Assert.Equal("search_query_not_found", foreign.Reason);
        Assert.Equal("search_click_position_invalid", position.Reason);
        Assert.Equal("search_document_id_invalid", document.Reason);
        Assert.Equal(new QueryStats("wing", 1, 0, 0, 0), Assert.Single(await Store.GetQueryStatsAsync(TenantA, new QueryStatsRequest(T0, T0.AddHours(1)))));
    }

    [Fact]
    public async Task Co_occurrences_count_distinct_users_within_the_window_and_tenant_without_the_source()
    {
        // u1 and u2 read a and b; u1 also read c (twice); u3 read only c; u4 read a and d, but before the window.
        await Interact("u1", "a", T0);
        await Interact("u1", "b", T0);
        await Interact("u1", "c", T0);
        await Interact("u1", "c", T0.AddMinutes(1));
        await Interact("u2", "a", T0, InteractionKind.Click);
        await Interact("u2", "b", T0);
        await Interact("u3", "c", T0);
        await Interact("u4", "a", T0.AddDays(-10));
        await Interact("u4", "d", T0.AddDays(-10));
        await Store.RecordInteractionAsync(TenantB, new SearchInteraction("u1", "e", InteractionKind.View, T0));

        var co = await Store.GetCoOccurrencesAsync(TenantA, "a", T0.AddDays(-1), 10);
        var limited = await Store.GetCoOccurrencesAsync(TenantA, "a", T0.AddDays(-1), 1);
        var nobody = await Store.GetCoOccurrencesAsync(TenantA, "zzz", T0.AddDays(-1), 10);
        var otherTenant = await Store.GetCoOccurrencesAsync(TenantB, "a", T0.AddDays(-1), 10);

        Assert.Equal(2, co.SourceUsers);
        Assert.Equal([new CoOccurrence("b", 2, 2), new CoOccurrence("c", 1, 2)], co.Documents);
        Assert.Equal([("b", 1.0), ("c", 0.5)], co.RankedByCosine());
        Assert.Equal(["b"], limited.Documents.Select(d => d.DocumentId));
        Assert.Equal(0, nobody.SourceUsers);
        Assert.Empty(nobody.Documents);
        Assert.Empty(otherTenant.Documents);
    }

    [Fact]
    public async Task An_experiment_is_created_read_listed_updated_and_deleted_within_its_tenant()
    {
        var experiment = Experiment("ranking-1");

        await Store.CreateExperimentAsync(TenantA, experiment);
        var duplicate = await Assert.ThrowsAsync<AllixiosException>(async () => await Store.CreateExperimentAsync(TenantA, experiment));
        await Store.CreateExperimentAsync(TenantB, experiment with { Name = "B's own" });
        await Store.CreateExperimentAsync(TenantA, Experiment("ranking-0"));
        var read = await Store.GetExperimentAsync(TenantA, "ranking-1");
        var listed = await Store.ListExperimentsAsync(TenantA);
        var stopped = await Store.UpdateExperimentAsync(TenantA, "ranking-1", null, ExperimentStatus.Stopped);
        var renamed = await Store.UpdateExperimentAsync(TenantA, "ranking-1", "Renamed", null);
        var missing = await Assert.ThrowsAsync<AllixiosException>(async () => await Store.UpdateExperimentAsync(TenantA, "nope", "x", null));
        var deleted = await Store.DeleteExperimentAsync(TenantA, "ranking-1");
        var deletedAgain = await Store.DeleteExperimentAsync(TenantA, "ranking-1");

        Assert.Equal(("search_experiment_exists", AllixiosErrorKind.AlreadyExists), (duplicate.Reason, duplicate.Kind));
        Assert.Equivalent(experiment, read, strict: true);
        Assert.Equal(["ranking-0", "ranking-1"], listed.Select(e => e.Id));
        Assert.Equal(ExperimentStatus.Stopped, stopped.Status);
        Assert.Equal(("Renamed", ExperimentStatus.Stopped), (renamed.Name, renamed.Status));
        Assert.Equal(("search_experiment_not_found", AllixiosErrorKind.NotFound), (missing.Reason, missing.Kind));
        Assert.True(deleted);
        Assert.False(deletedAgain);
        Assert.Null(await Store.GetExperimentAsync(TenantA, "ranking-1"));
        Assert.Equal("B's own", (await Store.GetExperimentAsync(TenantB, "ranking-1"))!.Name);
    }

    [Fact]
    public async Task Experiment_results_count_searches_and_clicks_per_arm_in_arm_order()
    {
        await Store.CreateExperimentAsync(TenantA, Experiment("exp"));
        var b1 = Query("wing", 2, T0) with { ExperimentId = "exp", Arm = "b", UserId = "u1" };
        var b2 = Query("flow", 2, T0) with { ExperimentId = "exp", Arm = "b", UserId = "u1" };
        var outside = Query("flow", 2, T0);
        foreach (var q in new[] { b1, b2, outside })
        {
            await Store.RecordQueryAsync(TenantA, q);
        }

        await Store.RecordClickAsync(TenantA, new SearchClick(b1.QueryId, "a", 1, T0));
        await Store.RecordClickAsync(TenantA, new SearchClick(b1.QueryId, "b", 2, T0));
        await Store.RecordClickAsync(TenantA, new SearchClick(outside.QueryId, "b", 2, T0));

        var results = await Store.GetExperimentResultsAsync(TenantA, "exp");
        var unknown = await Assert.ThrowsAsync<AllixiosException>(async () => await Store.GetExperimentResultsAsync(TenantB, "exp"));

        Assert.Equal([new ExperimentArmResult("a", 0, 0, 0), new ExperimentArmResult("b", 2, 1, 2)], results);
        Assert.Equal(0.5, results[1].ClickThroughRate);
        Assert.Equal("search_experiment_not_found", unknown.Reason);
    }

    [Theory]
    [InlineData("one-arm")]
    [InlineData("zero-weight")]
    [InlineData("negative-weight")]
    [InlineData("nan-weight")]
    [InlineData("repeated-arm")]
    [InlineData("bad-lexical-weight")]
    [InlineData("bad-id")]
    public async Task Invalid_experiments_are_refused_and_stored_nowhere(string flaw)
    {
        var good = Experiment("exp");
        var experiment = flaw switch
        {
            "one-arm" => good with { Arms = [good.Arms[0]] },
            "zero-weight" => good with { Arms = [good.Arms[0] with { Weight = 0 }, good.Arms[1]] },
            "negative-weight" => good with { Arms = [good.Arms[0] with { Weight = -1 }, good.Arms[1]] },
            "nan-weight" => good with { Arms = [good.Arms[0] with { Weight = double.NaN }, good.Arms[1]] },
            "repeated-arm" => good with { Arms = [good.Arms[0], good.Arms[0]] },
            "bad-lexical-weight" => good with { Arms = [good.Arms[0], good.Arms[1] with { Ranking = new RankingConfig(SearchMode.Hybrid) { LexicalWeight = 1.5 } }] },
            _ => good with { Id = "Bad Id!" },
        };

        var error = await Assert.ThrowsAsync<AllixiosException>(async () => await Store.CreateExperimentAsync(TenantA, experiment));

        Assert.Equal(AllixiosErrorKind.InvalidArgument, error.Kind);
        Assert.Empty(await Store.ListExperimentsAsync(TenantA));
    }

    [Fact]
    public async Task Bad_windows_and_sizes_are_refused_with_what_to_fix()
    {
        var backwards = await Assert.ThrowsAsync<AllixiosException>(async () => await Store.GetQueryStatsAsync(TenantA, new QueryStatsRequest(T0, T0)));
        var tooLong = await Assert.ThrowsAsync<AllixiosException>(async () => await Store.GetQueryStatsAsync(TenantA, new QueryStatsRequest(T0, T0.AddDays(400))));
        var top = await Assert.ThrowsAsync<AllixiosException>(async () => await Store.GetQueryStatsAsync(TenantA, new QueryStatsRequest(T0, T0.AddDays(1)) { Top = 0 }));
        var limit = await Assert.ThrowsAsync<AllixiosException>(async () => await Store.GetCoOccurrencesAsync(TenantA, "a", T0, 5000));
        var user = await Assert.ThrowsAsync<AllixiosException>(async () => await Store.RecordInteractionAsync(TenantA, new SearchInteraction(" ", "a", InteractionKind.View, T0)));

        Assert.Equal("search_window_invalid", backwards.Reason);
        Assert.Equal("search_window_invalid", tooLong.Reason);
        Assert.Equal("search_top_out_of_range", top.Reason);
        Assert.Equal("search_top_out_of_range", limit.Reason);
        Assert.Equal("search_user_id_invalid", user.Reason);
    }

    [Fact]
    public async Task Retention_deletes_old_queries_with_their_clicks_and_old_interactions_of_every_tenant_in_batches()
    {
        // Long before every other test's data, which the store may share: retention spans tenants.
        var old = new DateTimeOffset(2001, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var cutoff = old.AddDays(30);
        var (oldA, oldB, kept) = (Query("old a", 1, old), Query("old b", 1, old.AddDays(1)), Query("kept", 1, cutoff.AddHours(1)));
        await Store.RecordQueryAsync(TenantA, oldA);
        await Store.RecordQueryAsync(TenantB, oldB);
        await Store.RecordQueryAsync(TenantA, kept);
        Assert.True(await Store.RecordClickAsync(TenantA, new SearchClick(oldA.QueryId, "d1", 1, old)));
        Assert.True(await Store.RecordClickAsync(TenantA, new SearchClick(kept.QueryId, "d1", 1, cutoff.AddHours(1))));
        await Store.RecordInteractionAsync(TenantA, new SearchInteraction("u1", "d1", InteractionKind.View, old));
        await Store.RecordInteractionAsync(TenantA, new SearchInteraction("u1", "d2", InteractionKind.View, old));
        await Store.RecordInteractionAsync(TenantB, new SearchInteraction("u1", "d1", InteractionKind.View, old));
        await Store.RecordInteractionAsync(TenantA, new SearchInteraction("u2", "d1", InteractionKind.View, cutoff.AddHours(1)));
        await Store.RecordInteractionAsync(TenantA, new SearchInteraction("u2", "d3", InteractionKind.View, cutoff.AddHours(1)));

        var first = await Store.DeleteOlderThanAsync(cutoff, 2);
        var second = await Store.DeleteOlderThanAsync(cutoff, 2);
        var third = await Store.DeleteOlderThanAsync(cutoff, 2);

        Assert.Equal(4, first);
        Assert.Equal(1, second);
        Assert.Equal(0, third);
        Assert.Null(await Store.GetQueryAsync(TenantA, oldA.QueryId));
        Assert.Null(await Store.GetQueryAsync(TenantB, oldB.QueryId));
        Assert.Equal(kept, await Store.GetQueryAsync(TenantA, kept.QueryId));
        var co = await Store.GetCoOccurrencesAsync(TenantA, "d1", old.AddDays(-1), 10);
        Assert.Equal(1, co.SourceUsers);
        Assert.Equal(["d3"], co.Documents.Select(d => d.DocumentId));
        Assert.Equal(0, (await Store.GetCoOccurrencesAsync(TenantB, "d1", old.AddDays(-1), 10)).SourceUsers);
        var stats = await Store.GetQueryStatsAsync(TenantA, new QueryStatsRequest(cutoff, cutoff.AddDays(1)));
        Assert.Equal(1, stats.Single().Clicks);
    }

    [Fact]
    public async Task Retention_refuses_a_batch_size_out_of_range()
    {
        var zero = await Assert.ThrowsAsync<AllixiosException>(async () => await Store.DeleteOlderThanAsync(T0, 0));
        var huge = await Assert.ThrowsAsync<AllixiosException>(async () => await Store.DeleteOlderThanAsync(T0, 1_000_000));

        Assert.Equal("search_retention_batch_out_of_range", zero.Reason);
        Assert.Equal("search_retention_batch_out_of_range", huge.Reason);
    }

    private static SearchQueryLogEntry Query(string text, long results, DateTimeOffset at)
        => new(Guid.NewGuid(), text, SearchMode.Lexical, results, TimeSpan.FromMilliseconds(3), at);

    private static SearchExperiment Experiment(string id) => new(
        id,
        "Hybrid vs lexical",
        [
            new ExperimentArm("a", 1, new RankingConfig(SearchMode.Lexical)),
            new ExperimentArm("b", 3, new RankingConfig(SearchMode.Hybrid) { Fusion = FusionMethod.WeightedScores, LexicalWeight = 0.3, RrfK = 20 }),
        ],
        ExperimentStatus.Running,
        T0);

    private async Task Interact(string user, string document, DateTimeOffset at, InteractionKind kind = InteractionKind.View)
        => await Store.RecordInteractionAsync(TenantA, new SearchInteraction(user, document, kind, at));
}

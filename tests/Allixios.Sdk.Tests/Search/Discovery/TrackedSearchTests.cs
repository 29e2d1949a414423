using Allixios.Search;
using Allixios.Search.Analytics;
using Allixios.Search.Discovery;
using Allixios.Search.Hybrid;
using Xunit;
using static Allixios.Sdk.Tests.Search.Discovery.DiscoveryHost;

namespace Allixios.Sdk.Tests.Search.Discovery;

public sealed class TrackedSearchTests
{
    [Fact]
    public async Task A_repeated_query_is_served_from_the_cache_and_any_index_change_makes_the_next_one_fresh()
    {
        await using var host = new DiscoveryHost();
        await host.IndexAsync(Doc("a", "Wing", "A wing in a slipstream."), Doc("b", "Flow", "Boundary layer flow."));

        var first = await host.Search.SearchAsync(Tenant, new SearchQuery("wing"), SearchMode.Lexical);
        var second = await host.Search.SearchAsync(Tenant, new SearchQuery("  WING "), SearchMode.Lexical);
        await host.IndexAsync(Doc("c", "Wing again", "Another wing."));
        var afterUpsert = await host.Search.SearchAsync(Tenant, new SearchQuery("wing"), SearchMode.Lexical);
        await host.Index.DeleteAsync(Tenant, ["a"]);
        var afterDelete = await host.Search.SearchAsync(Tenant, new SearchQuery("wing"), SearchMode.Lexical);
        var cachedAgain = await host.Search.SearchAsync(Tenant, new SearchQuery("wing"), SearchMode.Lexical);
        await host.Index.ReindexAsync(Tenant);
        var afterReindex = await host.Search.SearchAsync(Tenant, new SearchQuery("wing"), SearchMode.Lexical);

        Assert.False(first.Cached);
        Assert.True(second.Cached);
        Assert.Equal(first.Results.Hits.Select(h => h.Id), second.Results.Hits.Select(h => h.Id));
        Assert.False(afterUpsert.Cached);
        Assert.Equal(["a", "c"], afterUpsert.Results.Hits.Select(h => h.Id).Order());
        Assert.False(afterDelete.Cached);
        Assert.Equal(["c"], afterDelete.Results.Hits.Select(h => h.Id));
        Assert.True(cachedAgain.Cached);
        Assert.False(afterReindex.Cached);
    }

    [Fact]
    public async Task Cached_results_are_per_tenant_and_per_option()
    {
        await using var host = new DiscoveryHost();
        await host.IndexAsync(Doc("a", "Wing", "A wing."), Doc("b", "Wing two", "Another wing."));
        await host.Index.UpsertAsync("other", [Doc("x", "Wing", "Their wing.")]);

        var mine = await host.Search.SearchAsync(Tenant, new SearchQuery("wing"), SearchMode.Lexical);
        var theirs = await host.Search.SearchAsync("other", new SearchQuery("wing"), SearchMode.Lexical);
        var topOne = await host.Search.SearchAsync(Tenant, new SearchQuery("wing") { Top = 1 }, SearchMode.Lexical);
        var highlighted = await host.Search.SearchAsync(Tenant, new SearchQuery("wing") { Highlight = true }, SearchMode.Lexical);

        Assert.Equal(["x"], theirs.Results.Hits.Select(h => h.Id));
        Assert.False(theirs.Cached);
        Assert.False(topOne.Cached);
        Assert.Single(topOne.Results.Hits);
        Assert.False(highlighted.Cached);
        Assert.NotNull(highlighted.Results.Hits[0].Snippet);
        Assert.Equal(2, mine.Results.Hits.Count);
    }

    [Fact]
    public async Task Without_a_cache_every_query_runs_and_is_still_logged()
    {
        await using var host = new DiscoveryHost(caching: false);
        await host.IndexAsync(Doc("a", "Wing", "A wing."));

        var first = await host.Search.SearchAsync(Tenant, new SearchQuery("wing"), SearchMode.Lexical, new SearchContext { UserId = "u1" });
        host.Time.Advance(TimeSpan.FromSeconds(1));
        var second = await host.Search.SearchAsync(Tenant, new SearchQuery("nothing here"), SearchMode.Lexical);
        var log = await host.Analytics.ListQueriesAsync(Tenant, host.Time.GetUtcNow().AddHours(-1), host.Time.GetUtcNow().AddHours(1), 10);

        Assert.False(first.Cached);
        Assert.False(second.Cached);
        Assert.Equal([second.QueryId, first.QueryId], log.Select(q => q.QueryId));
        Assert.Equal(("wing", 1L, "u1"), (log[1].Text, log[1].ResultCount, log[1].UserId));
        Assert.Equal(0, log[0].ResultCount);
    }

    [Fact]
    public async Task Bad_queries_are_refused_before_anything_is_cached_or_logged()
    {
        await using var host = new DiscoveryHost();

        var empty = await Assert.ThrowsAsync<AllixiosException>(async () => await host.Search.SearchAsync(Tenant, new SearchQuery(" "), SearchMode.Lexical));
        var top = await Assert.ThrowsAsync<AllixiosException>(async () => await host.Search.SearchAsync(Tenant, new SearchQuery("wing") { Top = 0 }, SearchMode.Lexical));
        var user = await Assert.ThrowsAsync<AllixiosException>(async () => await host.Search.SearchAsync(Tenant, new SearchQuery("wing"), SearchMode.Lexical, new SearchContext { UserId = "" }));
        var log = await host.Analytics.ListQueriesAsync(Tenant, host.Time.GetUtcNow().AddHours(-1), host.Time.GetUtcNow().AddHours(1), 10);

        Assert.Equal("search_query_empty", empty.Reason);
        Assert.Equal("search_top_out_of_range", top.Reason);
        Assert.Equal("search_user_id_invalid", user.Reason);
        Assert.Empty(log);
    }

    [Fact]
    public async Task An_experiment_arm_chooses_the_mode_and_is_the_same_for_a_user_every_time()
    {
        await using var host = new DiscoveryHost(semantic: true);
        await host.IndexAsync(Doc("a", "Wing", "A wing in a flow."), Doc("b", "Heat", "Heat and flow."));
        var experiment = new SearchExperiment(
            "modes",
            "Lexical or semantic",
            [new ExperimentArm("lexical", 1, new RankingConfig(SearchMode.Lexical)), new ExperimentArm("semantic", 1, new RankingConfig(SearchMode.Semantic))],
            ExperimentStatus.Running,
            host.Time.GetUtcNow());
        await host.Analytics.CreateExperimentAsync(Tenant, experiment);

        var arms = new Dictionary<string, TrackedSearchResults>();
        for (var u = 0; u < 20; u++)
        {
            var context = new SearchContext { UserId = $"user-{u}", ExperimentId = "modes" };
            var once = await host.Search.SearchAsync(Tenant, new SearchQuery("wing"), SearchMode.Hybrid, context);
            var twice = await host.Search.SearchAsync(Tenant, new SearchQuery("flow"), SearchMode.Hybrid, context);
            Assert.Equal(once.Arm, twice.Arm);
            Assert.Equal(ExperimentAssignment.Choose(experiment, $"user-{u}").Name, once.Arm);
            arms[$"user-{u}"] = once;
        }

        var results = await host.Analytics.GetExperimentResultsAsync(Tenant, "modes");

        Assert.All(arms.Values, r => Assert.Equal(r.Arm == "semantic" ? SearchMode.Semantic : SearchMode.Lexical, r.Mode));
        Assert.All(arms.Values.Where(r => r.Arm == "semantic"), r => Assert.Equal(2, r.Results.Total));
        Assert.All(arms.Values.Where(r => r.Arm == "lexical"), r => Assert.Equal(1, r.Results.Total));
        Assert.Equal(40, results.Sum(r => r.Searches));
        Assert.All(results, r => Assert.True(r.Searches > 0, $"arm {r.Arm} got no searcher of 20"));
    }

    [Fact]
    public async Task Assignment_follows_the_arm_weights_and_is_independent_per_experiment()
    {
        var heavy = new SearchExperiment("e1", "x", [new ExperimentArm("a", 1, new RankingConfig(SearchMode.Lexical)), new ExperimentArm("b", 3, new RankingConfig(SearchMode.Lexical))], ExperimentStatus.Running, default);
        var other = heavy with { Id = "e2" };

        var users = Enumerable.Range(0, 4000).Select(i => $"u{i}").ToList();
        var inB = users.Count(u => ExperimentAssignment.Choose(heavy, u).Name == "b");
        var agree = users.Count(u => ExperimentAssignment.Choose(heavy, u).Name == ExperimentAssignment.Choose(other, u).Name);

        // 3 in 4 expected; ±5 standard deviations (≈ 0.034) of 4,000 draws.
        Assert.InRange(inB / 4000.0, 0.70, 0.80);

        // Independent experiments agree with probability 1/16 + 9/16 = 0.625.
        Assert.InRange(agree / 4000.0, 0.585, 0.665);
    }
}

using Allixios.Search.Analytics;
using Allixios.Search.Discovery;
using Xunit;
using static Allixios.Sdk.Tests.Search.Discovery.DiscoveryHost;

namespace Allixios.Sdk.Tests.Search.Discovery;

public sealed class SearchRecommenderTests
{
    [Fact]
    public async Task More_like_this_without_vectors_queries_the_documents_distinctive_terms()
    {
        await using var host = new DiscoveryHost();
        await host.IndexAsync(
            Doc("a", "Propeller slipstream", "A wing in a propeller slipstream."),
            Doc("b", "Slipstream of a propeller", "Propeller slipstream and the wing."),
            Doc("c", "Boundary layer", "Laminar flow over a wing."),
            Doc("d", "Heat", "Hypersonic heating."));

        var like = await host.Recommender.MoreLikeThisAsync(Tenant, "a", 5);

        Assert.Equal("b", like[0].Id);
        Assert.DoesNotContain(like, r => r.Id is "a" or "d");
        Assert.All(like, r => Assert.Equal([RecommendationSources.Content], r.Sources));
    }

    [Fact]
    public async Task More_like_this_with_semantic_search_ranks_the_stored_vectors_neighbours()
    {
        await using var host = new DiscoveryHost(semantic: true);
        await host.IndexAsync(
            Doc("a", "Wing", "wing wing heat"),
            Doc("b", "Wing study", "wing wing wing heat"),
            Doc("c", "Heat", "heat heat flow"),
            Doc("d", "Shock", "shock"));
        var embedded = host.Embedder.Calls.Count;

        var like = await host.Recommender.MoreLikeThisAsync(Tenant, "a", 2);

        Assert.Equal(["b", "c"], like.Select(r => r.Id));
        Assert.True(like[0].Score > 0.95 && like[0].Score <= 1, $"cosine {like[0].Score}");
        Assert.Equal(embedded, host.Embedder.Calls.Count);
    }

    [Fact]
    public async Task Also_viewed_ranks_by_cosine_of_the_user_sets_within_the_window_and_skips_deleted_documents()
    {
        await using var host = new DiscoveryHost();
        await host.IndexAsync(Doc("a", "A", "a"), Doc("b", "B", "b"), Doc("c", "C", "c"), Doc("d", "D", "d"), Doc("e", "E", "e"));

        // b shares both of a's users and has no other; c shares one and is popular; d was co-viewed long ago; e is deleted.
        await View("u1", "a", "b", "c", "e");
        await View("u2", "a", "b");
        await View("u3", "c");
        await View("u4", "c");
        host.Time.Advance(TimeSpan.FromDays(40));
        await View("u5", "a", "b");
        await host.Index.DeleteAsync(Tenant, ["e"]);

        var recent = await host.Recommender.AlsoViewedAsync(Tenant, "a", 10, TimeSpan.FromDays(1));
        var month = await host.Recommender.AlsoViewedAsync(Tenant, "a", 10, TimeSpan.FromDays(60));

        Assert.Equal(["b"], recent.Select(r => r.Id));
        Assert.Equal(["b", "c"], month.Select(r => r.Id));
        Assert.Equal(1.0, month[0].Score);
        Assert.Equal(Math.Round(1 / Math.Sqrt(3 * 3), 6), month[1].Score);

        async Task View(string user, params string[] documents)
        {
            foreach (var document in documents)
            {
                await host.Feedback.RecordInteractionAsync(Tenant, user, document, InteractionKind.View);
            }
        }
    }

    [Fact]
    public async Task The_blend_weighs_both_lists_lists_each_document_once_and_never_the_source()
    {
        await using var host = new DiscoveryHost();
        await host.IndexAsync(
            Doc("a", "Propeller slipstream", "A wing in a propeller slipstream."),
            Doc("b", "Slipstream of a propeller", "Propeller slipstream and the wing."),
            Doc("c", "Cooking", "Recipes for soup."));
        await host.Feedback.RecordInteractionAsync(Tenant, "u1", "a", InteractionKind.View);
        await host.Feedback.RecordInteractionAsync(Tenant, "u1", "b", InteractionKind.Click);
        await host.Feedback.RecordInteractionAsync(Tenant, "u1", "c", InteractionKind.View);
        await host.Feedback.RecordInteractionAsync(Tenant, "u2", "a", InteractionKind.View);
        await host.Feedback.RecordInteractionAsync(Tenant, "u2", "c", InteractionKind.View);

        var balanced = await host.Recommender.RecommendAsync(Tenant, "a", 10);
        var behaviourOnly = await host.Recommender.RecommendAsync(Tenant, "a", 10, contentWeight: 0, behaviourWeight: 1);
        var bad = await Assert.ThrowsAsync<AllixiosException>(async () => await host.Recommender.RecommendAsync(Tenant, "a", 10, 0, 0));

        Assert.Equal(["b", "c"], balanced.Select(r => r.Id).Order());
        Assert.Equal([RecommendationSources.Content, RecommendationSources.Behaviour], balanced.Single(r => r.Id == "b").Sources);
        Assert.Equal("c", behaviourOnly[0].Id);
        Assert.Equal("search_recommendation_weights_invalid", bad.Reason);
    }

    [Fact]
    public async Task Recommendations_for_an_unknown_or_foreign_document_are_not_found()
    {
        await using var host = new DiscoveryHost();
        await host.Index.UpsertAsync("other", [Doc("a", "Theirs", "Their document.")]);

        var missing = await Assert.ThrowsAsync<AllixiosException>(async () => await host.Recommender.MoreLikeThisAsync(Tenant, "a"));
        var viewed = await Assert.ThrowsAsync<AllixiosException>(async () => await host.Recommender.AlsoViewedAsync(Tenant, "a"));
        var click = await Assert.ThrowsAsync<AllixiosException>(async () => await host.Feedback.RecordInteractionAsync(Tenant, "u", "a", InteractionKind.View));
        var top = await Assert.ThrowsAsync<AllixiosException>(async () => await host.Recommender.MoreLikeThisAsync("other", "a", 0));

        Assert.Equal((AllixiosErrorKind.NotFound, "search_document_not_found"), (missing.Kind, missing.Reason));
        Assert.Equal("search_document_not_found", viewed.Reason);
        Assert.Equal("search_document_not_found", click.Reason);
        Assert.Equal("search_top_out_of_range", top.Reason);
    }
}

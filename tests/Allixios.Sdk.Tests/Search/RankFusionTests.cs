using Allixios.Search.Hybrid;
using Xunit;

namespace Allixios.Sdk.Tests.Search;

public sealed class RankFusionTests
{
    private static readonly IReadOnlyList<RankedItem> Lexical = [new("a", 12.0), new("b", 8.0), new("c", 2.0)];
    private static readonly IReadOnlyList<RankedItem> Semantic = [new("c", 0.9), new("a", 0.8), new("d", 0.1)];

    [Fact]
    public void Reciprocal_rank_fusion_sums_one_over_k_plus_rank()
    {
        var fused = RankFusion.ReciprocalRank([Lexical, Semantic], k: 60);

        Assert.Equal(["a", "c", "b", "d"], fused.Select(i => i.Id));
        Assert.Equal((1.0 / 61) + (1.0 / 62), fused[0].Score, 12);
        Assert.Equal((1.0 / 63) + (1.0 / 61), fused[1].Score, 12);
        Assert.Equal(1.0 / 62, fused[2].Score, 12);
        Assert.Equal(1.0 / 63, fused[3].Score, 12);
    }

    [Fact]
    public void Reciprocal_rank_fusion_weights_each_list()
    {
        var fused = RankFusion.ReciprocalRank([Lexical, Semantic], k: 0, weights: [0, 1]);

        Assert.Equal(["c", "a", "d", "b"], fused.Select(i => i.Id));
        Assert.Equal(0, fused[^1].Score);
    }

    [Fact]
    public void Weighted_fusion_normalises_each_list_to_0_1_before_weighting()
    {
        var fused = RankFusion.WeightedScores([Lexical, Semantic], [0.5, 0.5]);

        // Lexical: a 1, b 0.6, c 0. Semantic: c 1, a 0.875, d 0.
        Assert.Equal(["a", "c", "b", "d"], fused.Select(i => i.Id));
        Assert.Equal(0.5 + (0.5 * 0.875), fused[0].Score, 12);
        Assert.Equal(0.5, fused[1].Score, 12);
        Assert.Equal(0.3, fused[2].Score, 12);
        Assert.Equal(0, fused[3].Score, 12);
    }

    [Fact]
    public void A_list_of_equal_scores_normalises_to_one()
    {
        var fused = RankFusion.WeightedScores([[new("x", 3), new("y", 3)]]);

        Assert.All(fused, i => Assert.Equal(1, i.Score));
        Assert.Equal(["x", "y"], fused.Select(i => i.Id));
    }

    [Fact]
    public void Ties_are_broken_by_id_and_repeats_within_a_list_count_once()
    {
        var fused = RankFusion.ReciprocalRank([[new("b", 1), new("b", 1)], [new("a", 1)]]);

        Assert.Equal(["a", "b"], fused.Select(i => i.Id));
        Assert.Equal(1.0 / 61, fused[1].Score, 12);
    }

    [Fact]
    public void Bad_weights_are_refused()
    {
        Assert.Throws<ArgumentException>(() => RankFusion.ReciprocalRank([Lexical, Semantic], weights: [1]));
        Assert.Throws<ArgumentException>(() => RankFusion.WeightedScores([Lexical], [-1]));
        Assert.Throws<ArgumentException>(() => RankFusion.WeightedScores([Lexical], [double.NaN]));
        Assert.Throws<ArgumentOutOfRangeException>(() => RankFusion.ReciprocalRank([Lexical], k: -1));
    }

    [Fact]
    public void Empty_lists_fuse_to_nothing()
    {
        Assert.Empty(RankFusion.ReciprocalRank([[], []]));
        Assert.Empty(RankFusion.WeightedScores([]));
    }
}

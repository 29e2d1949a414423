namespace Allixios.Search.Hybrid;

/// <summary>How hybrid search merges the lexical and semantic lists.</summary>
public enum FusionMethod
{
    /// <summary><see cref="RankFusion.ReciprocalRank"/>.</summary>
    ReciprocalRank = 0,

    /// <summary><see cref="RankFusion.WeightedScores"/>.</summary>
    WeightedScores = 1,
}

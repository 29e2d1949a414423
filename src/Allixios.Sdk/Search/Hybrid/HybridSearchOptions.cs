using System.ComponentModel.DataAnnotations;

namespace Allixios.Search.Hybrid;

/// <summary>Settings of semantic and hybrid search, bound from <c>Allixios:Search:Hybrid</c>.</summary>
public sealed class HybridSearchOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "Allixios:Search:Hybrid";

    /// <summary>How many candidates each ranker contributes before fusion (at least the requested page's end). Default: 100. Range: 10 to 1,000.</summary>
    [Range(10, 1_000)]
    public int Candidates { get; set; } = 100;

    /// <summary>The fusion method. Default: <see cref="FusionMethod.ReciprocalRank"/>.</summary>
    public FusionMethod Fusion { get; set; } = FusionMethod.ReciprocalRank;

    /// <summary>The constant k of reciprocal rank fusion. Default: 60. Range: 0 to 1,000.</summary>
    [Range(0, 1_000)]
    public int RrfK { get; set; } = RankFusion.DefaultRrfK;

    /// <summary>The weight of the lexical list; the semantic list gets 1 minus it. Default: 0.5. Range: 0 to 1.</summary>
    [Range(0.0, 1.0)]
    public double LexicalWeight { get; set; } = 0.5;
}

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

    /// <summary>
    /// How many of the lexical side's best BM25 hits feed RM3 pseudo-relevance feedback (see <see cref="QueryFeedback"/>)
    /// before fusion; 0 turns it off. A query that sets <see cref="SearchQuery.Feedback"/> itself keeps its own.
    /// On Cranfield it lifts hybrid nDCG@10 from 0.405 to 0.422 (README, "Search quality"), for a second lexical pass.
    /// Default: 5. Range: 0 to 100.
    /// </summary>
    [Range(0, QueryFeedback.MaxFeedbackDocuments)]
    public int FeedbackDocuments { get; set; } = 5;

    /// <summary>How many terms RM3 adds to the lexical query. Default: 20. Range: 1 to 100.</summary>
    [Range(1, QueryFeedback.MaxExpansionTerms)]
    public int FeedbackTerms { get; set; } = 20;

    /// <summary>The share of the expanded lexical query's weight kept by the original terms. Default: 0.5. Range: 0 to 1.</summary>
    [Range(0.0, 1.0)]
    public double FeedbackOriginalWeight { get; set; } = 0.5;
}

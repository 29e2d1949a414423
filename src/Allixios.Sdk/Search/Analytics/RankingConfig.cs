using Allixios.Search.Hybrid;

namespace Allixios.Search.Analytics;

/// <summary>A ranking configuration an experiment's arm runs queries with; unset settings keep the host's <see cref="HybridSearchOptions"/>.</summary>
/// <param name="Mode">Lexical, semantic or hybrid.</param>
public sealed record RankingConfig(SearchMode Mode)
{
    /// <summary>The fusion method of hybrid queries.</summary>
    public FusionMethod? Fusion { get; init; }

    /// <summary>The lexical list's weight in hybrid fusion (the semantic list gets 1 minus it). Range: 0 to 1.</summary>
    public double? LexicalWeight { get; init; }

    /// <summary>Reciprocal rank fusion's k. Range: 0 to 1,000.</summary>
    public int? RrfK { get; init; }

    /// <summary>The host's hybrid options with this configuration's settings laid over them.</summary>
    public HybridSearchOptions Apply(HybridSearchOptions defaults)
    {
        ArgumentNullException.ThrowIfNull(defaults);
        return new HybridSearchOptions
        {
            Candidates = defaults.Candidates,
            Fusion = Fusion ?? defaults.Fusion,
            LexicalWeight = LexicalWeight ?? defaults.LexicalWeight,
            RrfK = RrfK ?? defaults.RrfK,
        };
    }
}

using System.ComponentModel.DataAnnotations;

namespace Allixios.Search;

/// <summary>The search capability's settings, bound from <c>Allixios:Search</c>.</summary>
public sealed class SearchOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "Allixios:Search";

    /// <summary>BM25's term-frequency saturation: higher lets repeated words count longer. Default: 1.2. Range: 0 to 3.</summary>
    [Range(0.0, 3.0)]
    public double K1 { get; set; } = 1.2;

    /// <summary>BM25's length normalisation: 0 ignores document length, 1 normalises fully. Default: 0.75. Range: 0 to 1.</summary>
    [Range(0.0, 1.0)]
    public double B { get; set; } = 0.75;

    /// <summary>The longest query text accepted, in characters. Default: 1,000. Range: 1 to 10,000.</summary>
    [Range(1, 10_000)]
    public int MaxQueryLength { get; set; } = 1_000;

    /// <summary>The most hits one query may ask for. Default: 1,000. Range: 1 to 5,000.</summary>
    [Range(1, 5_000)]
    public int MaxTop { get; set; } = 1_000;

    /// <summary>The deepest page offset accepted. Default: 10,000. Range: 0 to 100,000.</summary>
    [Range(0, 100_000)]
    public int MaxOffset { get; set; } = 10_000;

    /// <summary>The most documents one upsert or delete call may carry. Default: 1,000. Range: 1 to 100,000.</summary>
    [Range(1, 100_000)]
    public int MaxBatchSize { get; set; } = 1_000;

    /// <summary>How many indexed terms a <c>word*</c> prefix expands to at most (the most frequent first). Default: 50. Range: 1 to 1,000.</summary>
    [Range(1, 1_000)]
    public int MaxPrefixExpansions { get; set; } = 50;

    /// <summary>How many indexed terms a misspelt word is matched to at most. Default: 3. Range: 1 to 20.</summary>
    [Range(1, 20)]
    public int MaxTypoCorrections { get; set; } = 3;

    /// <summary>How many values each facet returns at most. Default: 10. Range: 1 to 1,000.</summary>
    [Range(1, 1_000)]
    public int MaxFacetValues { get; set; } = 10;

    /// <summary>
    /// PostgreSQL ranking by relevance (no facets, no date sort): the query's highest-weighted terms are scored in full
    /// while their postings add up to at most this many; the remaining, common terms are looked up only for documents
    /// that can still reach the requested page (MaxScore). The page is exact either way (when the bound cannot prove it,
    /// every match is scored); the total becomes a lower bound (<see cref="SearchResults.TotalIsLowerBound"/>) when terms
    /// were left out. Larger is exact totals more often; smaller is faster for queries with common words.
    /// Default: 5,000. Range: 1 to 100,000,000.
    /// </summary>
    [Range(1, 100_000_000)]
    public int MaxScorePostingsBudget { get; set; } = 5_000;

    /// <summary>About how many characters of the body a highlighted snippet shows. Default: 200. Range: 40 to 2,000.</summary>
    [Range(40, 2_000)]
    public int SnippetLength { get; set; } = 200;
}

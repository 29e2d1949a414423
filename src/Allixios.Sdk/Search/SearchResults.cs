namespace Allixios.Search;

/// <summary>The answer to a query.</summary>
/// <param name="Hits">The requested page of hits.</param>
/// <param name="Total">How many documents match, over all pages.</param>
/// <param name="Facets">Per requested facet field, its most frequent values among all hits (count descending, then value).</param>
/// <param name="Expansions">Terms the query was widened to: prefix completions and typo corrections (query term → indexed terms).</param>
public sealed record SearchResults(
    IReadOnlyList<SearchHit> Hits,
    long Total,
    IReadOnlyDictionary<string, IReadOnlyList<FacetCount>> Facets,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Expansions)
{
    /// <summary>
    /// Whether <see cref="Total"/> is a lower bound rather than the exact count: PostgreSQL ranks a query whose terms
    /// include very common ones without visiting every document that only those match (see
    /// <see cref="SearchOptions.MaxScorePostingsBudget"/>), and then counts at least the documents it did visit.
    /// </summary>
    public bool TotalIsLowerBound { get; init; }

    /// <summary>No hits.</summary>
    public static SearchResults Empty { get; } = new([], 0, new Dictionary<string, IReadOnlyList<FacetCount>>(), new Dictionary<string, IReadOnlyList<string>>());
}

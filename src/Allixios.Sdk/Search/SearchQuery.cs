namespace Allixios.Search;

/// <summary>
/// A lexical query. <see cref="Text"/> is free text: words are matched after stemming and stop-word removal and
/// ranked by BM25; <c>"a phrase"</c> in double quotes must occur as written; <c>word*</c> matches every indexed term
/// that starts with <c>word</c>; words that occur nowhere in the tenant's index are matched to the nearest indexed
/// terms (typo tolerance). Other punctuation is treated as a word break, never as syntax.
/// </summary>
/// <param name="Text">The query text: not blank, at most <see cref="SearchOptions.MaxQueryLength"/> characters.</param>
public sealed record SearchQuery(string Text)
{
    /// <summary>How many hits to return. Default: 10. Range: 1 to <see cref="SearchOptions.MaxTop"/>.</summary>
    public int Top { get; init; } = 10;

    /// <summary>How many hits to skip, for paging. Default: 0. Range: 0 to <see cref="SearchOptions.MaxOffset"/>.</summary>
    public int Offset { get; init; }

    /// <summary>Conditions every hit must meet.</summary>
    public IReadOnlyList<SearchFilter> Filters { get; init; } = [];

    /// <summary>Fields to count values of over all hits (not only the returned page): see <see cref="SearchFields"/>.</summary>
    public IReadOnlyList<string> Facets { get; init; } = [];

    /// <summary>Whether hits carry a snippet of the body with the matched words in <c>&lt;mark&gt;</c>. Default: <see langword="false"/>.</summary>
    public bool Highlight { get; init; }

    /// <summary>The order of hits. Default: <see cref="SearchSort.Relevance"/>.</summary>
    public SearchSort Sort { get; init; } = SearchSort.Relevance;

    /// <summary>The language the query is analysed in. Default: <c>en</c>.</summary>
    public string Language { get; init; } = "en";

    /// <summary>Whether words found nowhere in the index are matched to near spellings. Default: <see langword="true"/>.</summary>
    public bool TypoTolerance { get; init; } = true;

    /// <summary>
    /// Pseudo-relevance feedback: expands the query with terms of its best first-pass hits before ranking (hits may
    /// then match only added terms, and facets and the total count the widened matches). The first pass
    /// ranks by relevance whatever <see cref="Sort"/> says. Default: <see langword="null"/>, off (hybrid search turns it on for its lexical
    /// side, see <c>HybridSearchOptions.FeedbackDocuments</c>).
    /// </summary>
    public QueryFeedback? Feedback { get; init; }
}

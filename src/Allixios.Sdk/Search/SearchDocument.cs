namespace Allixios.Search;

/// <summary>
/// A document in a tenant's search index. The tenant is not part of the document: every index call names it, and
/// the runtime takes it from the caller's API key.
/// </summary>
/// <param name="Id">The document's id within its tenant: 1 to 200 characters, no control characters.</param>
/// <param name="Title">The title; searched together with <paramref name="Body"/>. Up to 1,000 characters.</param>
/// <param name="Body">The text; up to 1,000,000 characters.</param>
public sealed record SearchDocument(string Id, string Title, string Body)
{
    /// <summary>The language code the title and body are analysed in (stemming, stop words), e.g. <c>en</c>. Default: <c>en</c>. See <see cref="TextAnalyzer.Languages"/>.</summary>
    public string Language { get; init; } = "en";

    /// <summary>The category, for filters and facets; none when <see langword="null"/>.</summary>
    public string? Category { get; init; }

    /// <summary>Tags, for filters and facets.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>The author, for filters and facets; none when <see langword="null"/>.</summary>
    public string? Author { get; init; }

    /// <summary>When it was published, for date-range filters and sorting.</summary>
    public DateTimeOffset? PublishedAt { get; init; }

    /// <summary>When it was last changed, for date-range filters and sorting.</summary>
    public DateTimeOffset? UpdatedAt { get; init; }

    /// <summary>Custom facet fields (name → value), filtered and faceted as <c>fields.name</c>. Names: letters, digits, <c>_</c> and <c>-</c>, up to 64 characters.</summary>
    public IReadOnlyDictionary<string, string> Fields { get; init; } = new Dictionary<string, string>();
}

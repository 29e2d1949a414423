namespace Allixios.Search;

/// <summary>One hit.</summary>
/// <param name="Id">The document's id.</param>
/// <param name="Score">Its BM25 score for the query, rounded to 6 decimals so both stores rank alike.</param>
/// <param name="Title">The document's title.</param>
/// <param name="Snippet">A passage of the body with matched words in <c>&lt;mark&gt;</c> (the rest HTML-escaped), when highlighting was asked for.</param>
public sealed record SearchHit(string Id, double Score, string Title, string? Snippet)
{
    /// <summary>The document's category.</summary>
    public string? Category { get; init; }

    /// <summary>The document's tags.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>The document's author.</summary>
    public string? Author { get; init; }

    /// <summary>When the document was published.</summary>
    public DateTimeOffset? PublishedAt { get; init; }

    /// <summary>When the document was last changed.</summary>
    public DateTimeOffset? UpdatedAt { get; init; }
}

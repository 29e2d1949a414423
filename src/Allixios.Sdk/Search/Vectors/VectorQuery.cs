namespace Allixios.Search.Vectors;

/// <summary>A nearest-neighbour query: the <see cref="TopK"/> documents whose vectors are nearest the query's by cosine.</summary>
/// <param name="Vector">The query vector, as long as the index's vectors; not all zero.</param>
public sealed record VectorQuery(ReadOnlyMemory<float> Vector)
{
    /// <summary>The most matches returned. Default: 10. Range: 1 to 1,000.</summary>
    public int TopK { get; init; } = 10;

    /// <summary>
    /// When set, only these documents are candidates (e.g. those a filter or the lexical stage let through); the answer
    /// is then exact. At most 10,000 ids. Default: null, every document of the index.
    /// </summary>
    public IReadOnlyCollection<string>? DocumentIds { get; init; }
}

namespace Allixios.Search.Hybrid;

/// <summary>How a query is matched.</summary>
public enum SearchMode
{
    /// <summary>Words: BM25 over the analysed text.</summary>
    Lexical = 0,

    /// <summary>Meaning: nearest neighbours of the query's embedding.</summary>
    Semantic = 1,

    /// <summary>Both, fused (see <see cref="FusionMethod"/>).</summary>
    Hybrid = 2,
}

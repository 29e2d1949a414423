using Allixios.Search.Vectors;

namespace Allixios.Search.Hybrid;

/// <summary>
/// The <see cref="IVectorSearch"/> of semantic and hybrid search over one named index of an <see cref="IVectorIndex"/>
/// (in memory or pgvector), the one <see cref="SemanticSearchIndex"/> fills.
/// </summary>
public sealed class VectorIndexSearch : IVectorSearch
{
    /// <summary>The most neighbours one query asks the vector index for (its own limit).</summary>
    public const int MaxTop = 1_000;

    private readonly IVectorIndex _vectors;
    private readonly string _indexName;

    /// <summary>Searches <paramref name="indexName"/> of <paramref name="vectors"/>.</summary>
    public VectorIndexSearch(IVectorIndex vectors, string indexName)
    {
        ArgumentNullException.ThrowIfNull(vectors);
        VectorIndexInput.IndexName(indexName);
        _vectors = vectors;
        _indexName = indexName;
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<RankedItem>> SearchAsync(string tenantId, ReadOnlyMemory<float> vector, int top, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(top, 1);

        // A deep page asks for more than the index serves; the fused list then ends at its 1,000 nearest.
        var matches = await _vectors.SearchAsync(tenantId, _indexName, new VectorQuery(vector) { TopK = Math.Min(top, MaxTop) }, cancellationToken);
        return matches.Select(m => new RankedItem(m.DocumentId, m.Score)).ToList();
    }
}

namespace Allixios.Search.Vectors;

/// <summary>
/// Vectors of documents, per tenant and per named index, searched by cosine similarity. Each tenant's index has one
/// dimension, fixed by its first vector, so vectors of different embedders live in different indexes. A tenant never
/// sees, changes or counts another tenant's vectors. Embedded default: <see cref="InMemoryVectorIndex"/> (exact);
/// production: <see cref="PostgresVectorIndex"/> (pgvector, HNSW).
/// </summary>
/// <remarks>Bad input fails with an <see cref="AllixiosException"/> of kind <see cref="AllixiosErrorKind.InvalidArgument"/> whose message says what to fix.</remarks>
public interface IVectorIndex
{
    /// <summary>
    /// Adds or replaces the vectors of these documents, all at once or not at all. At most 10,000 records, each document
    /// once. Their dimension must be the index's (or, for a new index, the same across the batch).
    /// </summary>
    ValueTask UpsertAsync(string tenantId, string indexName, IReadOnlyCollection<VectorRecord> records, CancellationToken cancellationToken = default);

    /// <summary>Removes these documents' vectors (unknown ids are ignored); returns how many were removed.</summary>
    ValueTask<int> DeleteAsync(string tenantId, string indexName, IReadOnlyCollection<string> documentIds, CancellationToken cancellationToken = default);

    /// <summary>Removes the tenant's whole index, e.g. before a reindex with another embedder; returns how many vectors went.</summary>
    ValueTask<int> DropIndexAsync(string tenantId, string indexName, CancellationToken cancellationToken = default);

    /// <summary>The dimension of the tenant's index, or null when it holds no vector.</summary>
    ValueTask<int?> GetDimensionsAsync(string tenantId, string indexName, CancellationToken cancellationToken = default);

    /// <summary>
    /// The stored vector of one document (for "more like this"), or null when the tenant's index has none for it. Its
    /// direction is the one upserted; an index may keep it scaled to unit length.
    /// </summary>
    ValueTask<ReadOnlyMemory<float>?> GetVectorAsync(string tenantId, string indexName, string documentId, CancellationToken cancellationToken = default);

    /// <summary>
    /// The nearest documents by cosine similarity, nearest first (ties by document id). An index the tenant does not have
    /// gives no matches; a query vector of another dimension than the index's is refused.
    /// </summary>
    ValueTask<IReadOnlyList<VectorMatch>> SearchAsync(string tenantId, string indexName, VectorQuery query, CancellationToken cancellationToken = default);
}

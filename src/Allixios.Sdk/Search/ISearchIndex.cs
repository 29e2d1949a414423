namespace Allixios.Search;

/// <summary>
/// A per-tenant full-text index of <see cref="SearchDocument"/>s with BM25 ranking, filters, facets and highlights.
/// In memory by default; on PostgreSQL after <c>UsePostgres</c>, where the documents and their search structures are
/// written in one transaction. Both analyse text alike and give the same hits for the same query.
/// </summary>
public interface ISearchIndex
{
    /// <summary>
    /// Adds or replaces documents (all or none of the batch). Reports <paramref name="progress"/> as parts of a large batch are analysed and written.
    /// </summary>
    /// <returns>How many documents were written.</returns>
    ValueTask<int> UpsertAsync(string tenantId, IReadOnlyList<SearchDocument> documents, IProgress<SearchIndexingProgress>? progress = null, CancellationToken cancellationToken = default);

    /// <summary>Removes documents; ids that are not indexed are ignored.</summary>
    /// <returns>How many documents were removed.</returns>
    ValueTask<int> DeleteAsync(string tenantId, IReadOnlyList<string> ids, CancellationToken cancellationToken = default);

    /// <summary>A document as stored (normalised), or <see langword="null"/>.</summary>
    ValueTask<SearchDocument?> GetAsync(string tenantId, string id, CancellationToken cancellationToken = default);

    /// <summary>How many documents the tenant has indexed.</summary>
    ValueTask<long> CountAsync(string tenantId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Analyses all of the tenant's documents again and rebuilds their search structures (after an analyzer upgrade),
    /// reporting <paramref name="progress"/>. Queries keep working meanwhile.
    /// </summary>
    /// <returns>How many documents were reindexed.</returns>
    ValueTask<int> ReindexAsync(string tenantId, IProgress<SearchIndexingProgress>? progress = null, CancellationToken cancellationToken = default);

    /// <summary>Runs a lexical query over the tenant's documents. Bad input raises an <see cref="AllixiosException"/> saying what to fix.</summary>
    ValueTask<SearchResults> SearchAsync(string tenantId, SearchQuery query, CancellationToken cancellationToken = default);
}

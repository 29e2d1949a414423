namespace Allixios.Search;

/// <summary>
/// Reads documents in bulk: all of a tenant's page by page, in id order (ordinal), which a reindex that re-embeds
/// documents needs (each page is read on its own, so a long re-embedding holds no transaction open); and a set of them
/// in one call, which semantic and hybrid search need to turn ranked ids into hits without a round trip per hit.
/// </summary>
internal interface ISearchDocumentReader
{
    /// <summary>The tenant's documents in pages of at most <paramref name="pageSize"/>, by id.</summary>
    IAsyncEnumerable<IReadOnlyList<SearchDocument>> ReadAllAsync(string tenantId, int pageSize, CancellationToken cancellationToken = default);

    /// <summary>Those of <paramref name="ids"/> that are indexed, by id.</summary>
    ValueTask<IReadOnlyDictionary<string, SearchDocument>> GetManyAsync(string tenantId, IReadOnlyCollection<string> ids, CancellationToken cancellationToken = default);
}

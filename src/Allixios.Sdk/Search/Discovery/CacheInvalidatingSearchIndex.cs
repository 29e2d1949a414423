using Allixios.Caching;

namespace Allixios.Search.Discovery;

/// <summary>
/// An <see cref="ISearchIndex"/> that invalidates the tenant's cached query results (<see cref="SearchResultCache"/>)
/// after every upsert, delete and reindex, also when the call fails part way (a semantic upsert may have written its
/// text but not its vectors), so the next query is answered from the index as it now is.
/// </summary>
public sealed class CacheInvalidatingSearchIndex(ISearchIndex inner, IAllixiosCache cache) : ISearchIndex, ISearchDocumentReader
{
    /// <summary>The index it wraps.</summary>
    public ISearchIndex Inner { get; } = inner ?? throw new ArgumentNullException(nameof(inner));

    /// <inheritdoc />
    public async ValueTask<int> UpsertAsync(string tenantId, IReadOnlyList<SearchDocument> documents, IProgress<SearchIndexingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        try
        {
            return await Inner.UpsertAsync(tenantId, documents, progress, cancellationToken);
        }
        finally
        {
            await InvalidateAsync(tenantId);
        }
    }

    /// <inheritdoc />
    public async ValueTask<int> DeleteAsync(string tenantId, IReadOnlyList<string> ids, CancellationToken cancellationToken = default)
    {
        try
        {
            return await Inner.DeleteAsync(tenantId, ids, cancellationToken);
        }
        finally
        {
            await InvalidateAsync(tenantId);
        }
    }

    /// <inheritdoc />
    public ValueTask<SearchDocument?> GetAsync(string tenantId, string id, CancellationToken cancellationToken = default)
        => Inner.GetAsync(tenantId, id, cancellationToken);

    /// <inheritdoc />
    public ValueTask<long> CountAsync(string tenantId, CancellationToken cancellationToken = default)
        => Inner.CountAsync(tenantId, cancellationToken);

    /// <inheritdoc />
    public async ValueTask<int> ReindexAsync(string tenantId, IProgress<SearchIndexingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        try
        {
            return await Inner.ReindexAsync(tenantId, progress, cancellationToken);
        }
        finally
        {
            await InvalidateAsync(tenantId);
        }
    }

    /// <inheritdoc />
    public ValueTask<SearchResults> SearchAsync(string tenantId, SearchQuery query, CancellationToken cancellationToken = default)
        => Inner.SearchAsync(tenantId, query, cancellationToken);

    // Bulk reads pass through, so hybrid search reads a page's documents in one call as it does without the wrapper.
    ValueTask<IReadOnlyDictionary<string, SearchDocument>> ISearchDocumentReader.GetManyAsync(string tenantId, IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
        => SearchDocuments.GetManyAsync(Inner, tenantId, ids, cancellationToken);

    IAsyncEnumerable<IReadOnlyList<SearchDocument>> ISearchDocumentReader.ReadAllAsync(string tenantId, int pageSize, CancellationToken cancellationToken)
        => Inner is ISearchDocumentReader reader ? reader.ReadAllAsync(tenantId, pageSize, cancellationToken) : AsyncEnumerable.Empty<IReadOnlyList<SearchDocument>>();

    private async ValueTask InvalidateAsync(string tenantId)
    {
        if (string.IsNullOrEmpty(tenantId))
        {
            return;
        }

        try
        {
            // Not the caller's token: once the index may have changed, its cached answers must go even if the caller left.
            await cache.InvalidateTagAsync(SearchResultCache.IndexTag(tenantId), CancellationToken.None);
        }
        catch (AllixiosException e) when (e.Reason == "cache_tag_unknown")
        {
            // No result of this tenant was cached within the entries' lifetime: nothing to drop.
        }
    }
}

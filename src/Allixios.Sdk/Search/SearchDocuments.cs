namespace Allixios.Search;

/// <summary>Reads several documents of any <see cref="ISearchIndex"/>: in one call when it can, else one by one.</summary>
internal static class SearchDocuments
{
    public static async ValueTask<IReadOnlyDictionary<string, SearchDocument>> GetManyAsync(ISearchIndex index, string tenantId, IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
    {
        if (index is ISearchDocumentReader reader)
        {
            return await reader.GetManyAsync(tenantId, ids, cancellationToken);
        }

        var found = new Dictionary<string, SearchDocument>(StringComparer.Ordinal);
        foreach (var id in ids)
        {
            if (await index.GetAsync(tenantId, id, cancellationToken) is { } document)
            {
                found[id] = document;
            }
        }

        return found;
    }
}

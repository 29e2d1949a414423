using Allixios.Search.Analytics;

namespace Allixios.Search.Discovery;

/// <summary>
/// Records what searchers did with documents: clicks on a query's hits (click-through, A/B results) and views or clicks
/// of documents (also viewed). The document must be indexed for the tenant (else <c>search_document_not_found</c>); the
/// time is the host's clock.
/// </summary>
public sealed class SearchFeedback(ISearchIndex index, ISearchAnalyticsStore analytics, TimeProvider time)
{
    /// <summary>Records a click on <paramref name="documentId"/> at 1-based <paramref name="position"/> in the results of query <paramref name="queryId"/>.</summary>
    /// <returns>Whether it was recorded; <see langword="false"/> when the document was already clicked for that query.</returns>
    public async ValueTask<bool> RecordClickAsync(string tenantId, Guid queryId, string documentId, int position, CancellationToken cancellationToken = default)
    {
        var click = new SearchClick(queryId, documentId, position, time.GetUtcNow());
        SearchAnalyticsInput.Click(click);
        await RequireDocumentAsync(tenantId, documentId, cancellationToken);
        return await analytics.RecordClickAsync(tenantId, click, cancellationToken);
    }

    /// <summary>Records that <paramref name="userId"/> (a user or session id) viewed or clicked <paramref name="documentId"/>.</summary>
    public async ValueTask RecordInteractionAsync(string tenantId, string userId, string documentId, InteractionKind kind, CancellationToken cancellationToken = default)
    {
        var interaction = new SearchInteraction(userId, documentId, kind, time.GetUtcNow());
        SearchAnalyticsInput.Interaction(interaction);
        await RequireDocumentAsync(tenantId, documentId, cancellationToken);
        await analytics.RecordInteractionAsync(tenantId, interaction, cancellationToken);
    }

    private async ValueTask RequireDocumentAsync(string tenantId, string documentId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        if (await index.GetAsync(tenantId, documentId, cancellationToken) is null)
        {
            throw AllixiosException.NotFound("search_document_not_found", $"The tenant has no indexed document '{documentId}'.");
        }
    }
}

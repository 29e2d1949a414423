using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Allixios.Caching;
using Allixios.Search.Analytics;
using Allixios.Search.Hybrid;

namespace Allixios.Search.Discovery;

/// <summary>
/// Query results in <see cref="IAllixiosCache"/>: keyed by tenant, normalised query text, every query option, the mode
/// and the ranking configuration; tagged with the tenant's index tag (<see cref="IndexTag"/>), which
/// <see cref="CacheInvalidatingSearchIndex"/> invalidates on every upsert, delete and reindex of the tenant, on every node.
/// </summary>
public sealed class SearchResultCache(IAllixiosCache cache, TimeSpan expiration)
{
    private static readonly JsonSerializerOptions KeyJson = new(JsonSerializerDefaults.Web);

    /// <summary>The cache tag every cached result of <paramref name="tenantId"/> carries.</summary>
    public static string IndexTag(string tenantId) => $"allixios:search-index:{TenantPart(tenantId)}";

    /// <summary>The cache key of a query: the tenant, then a SHA-256 of the normalised text and every option that changes the answer.</summary>
    public static string Key(string tenantId, SearchQuery query, SearchMode mode, HybridSearchOptions ranking)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(ranking);
        var canonical = JsonSerializer.Serialize(
            new
            {
                v = 2,
                text = SearchQueryText.Normalize(query.Text),
                query.Top,
                query.Offset,
                filters = query.Filters.Select(f => new { f.Field, f.Values, f.From, f.To }),
                query.Facets,
                query.Highlight,
                sort = query.Sort.ToString(),
                query.Language,
                query.TypoTolerance,
                mode = mode.ToString(),
                fusion = mode == SearchMode.Hybrid ? ranking.Fusion.ToString() : null,
                lexicalWeight = mode == SearchMode.Hybrid ? ranking.LexicalWeight : (double?)null,
                rrfK = mode == SearchMode.Hybrid ? ranking.RrfK : (int?)null,
                candidates = mode == SearchMode.Lexical ? (int?)null : ranking.Candidates,
                // Pseudo-relevance feedback changes the lexical ranking: the query's own, else hybrid's defaults.
                feedback = query.Feedback is { } own
                    ? new { own.FeedbackDocuments, own.ExpansionTerms, own.OriginalQueryWeight }
                    : mode == SearchMode.Hybrid
                        ? new { FeedbackDocuments = ranking.FeedbackDocuments, ExpansionTerms = ranking.FeedbackTerms, OriginalQueryWeight = ranking.FeedbackOriginalWeight }
                        : null,
            },
            KeyJson);
        return $"allixios:search:{TenantPart(tenantId)}:{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)))}";
    }

    // Tenant ids of the runtime are tag-safe and short; an SDK caller's may not be, and then stand as their hash.
    private static string TenantPart(string tenantId)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        return tenantId.Length <= 64 && tenantId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')
            ? tenantId
            : "h." + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(tenantId)))[..32];
    }

    /// <summary>The cached results of the query, else runs <paramref name="search"/> and caches its answer.</summary>
    /// <returns>The results, and whether they came from the cache.</returns>
    public async ValueTask<(SearchResults Results, bool Cached)> GetOrSearchAsync(
        string tenantId,
        string key,
        Func<CancellationToken, ValueTask<SearchResults>> search,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(search);
        var ran = false;
        var options = new AllixiosCacheEntryOptions { Expiration = expiration, LocalExpiration = expiration, Tags = [IndexTag(tenantId)] };
        try
        {
            var results = await cache.GetOrCreateAsync(
                key,
                search,
                async (s, ct) =>
                {
                    ran = true;
                    return await s(ct);
                },
                options,
                cancellationToken);
            return (results, !ran);
        }
        catch (AllixiosException e) when (e.Reason == "cache_value_too_large")
        {
            // A very large page of hits is answered, only not cached.
            return (await search(cancellationToken), false);
        }
    }
}

using Allixios.Runtime.Security;
using Allixios.Search;
using Allixios.Search.Discovery;
using Allixios.Search.Hybrid;
using Allixios.Tenancy;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using V1 = Allixios.Runtime.Contracts.V1;

namespace Allixios.Runtime.Services;

/// <summary>Search over gRPC and HTTP/JSON, always in the API key's tenant.</summary>
internal sealed class SearchService(ISearchIndex index, TrackedSearch search) : V1.Search.SearchBase
{
    public override async Task<V1.UpsertSearchDocumentsResponse> UpsertDocuments(V1.UpsertSearchDocumentsRequest request, ServerCallContext context)
    {
        var tenant = TenantOf(context, ApiScopes.SearchWrite);
        var documents = request.Documents.Select(ToDocument).ToList();
        return new V1.UpsertSearchDocumentsResponse { Upserted = await index.UpsertAsync(tenant, documents, cancellationToken: context.CancellationToken) };
    }

    public override async Task<V1.DeleteSearchDocumentsResponse> DeleteDocuments(V1.DeleteSearchDocumentsRequest request, ServerCallContext context)
    {
        var tenant = TenantOf(context, ApiScopes.SearchWrite);
        return new V1.DeleteSearchDocumentsResponse { Deleted = await index.DeleteAsync(tenant, request.Ids.ToList(), context.CancellationToken) };
    }

    public override async Task<V1.SearchDocument> GetDocument(V1.GetSearchDocumentRequest request, ServerCallContext context)
    {
        var tenant = TenantOf(context, ApiScopes.SearchRead);
        var document = await index.GetAsync(tenant, request.Id, context.CancellationToken)
            ?? throw new AllixiosException(AllixiosErrorKind.NotFound, "search_document_not_found", $"The tenant has no indexed document '{request.Id}'.");
        var contract = new V1.SearchDocument
        {
            Id = document.Id,
            Title = document.Title,
            Body = document.Body,
            Language = document.Language,
            PublishedAt = ToTimestamp(document.PublishedAt),
            UpdatedAt = ToTimestamp(document.UpdatedAt),
        };
        contract.Tags.Add(document.Tags);
        contract.Fields.Add(document.Fields.ToDictionary());
        if (document.Category is { } category)
        {
            contract.Category = category;
        }

        if (document.Author is { } author)
        {
            contract.Author = author;
        }

        return contract;
    }

    public override async Task<V1.SearchQueryResponse> Query(V1.SearchQueryRequest request, ServerCallContext context)
    {
        var tenant = TenantOf(context, ApiScopes.SearchRead);
        var query = new SearchQuery(request.Query)
        {
            Top = request.HasTopK ? request.TopK : 10,
            Offset = request.Offset,
            Filters = request.Filters.Select(f => new SearchFilter(f.Field)
            {
                Values = f.Values.ToList(),
                From = f.From?.ToDateTimeOffset(),
                To = f.To?.ToDateTimeOffset(),
            }).ToList(),
            Facets = request.Facets.ToList(),
            Highlight = request.Highlight,
            Sort = request.Sort switch
            {
                V1.SearchSort.Unspecified or V1.SearchSort.Relevance => SearchSort.Relevance,
                V1.SearchSort.PublishedNewest => SearchSort.PublishedNewest,
                V1.SearchSort.PublishedOldest => SearchSort.PublishedOldest,
                V1.SearchSort.UpdatedNewest => SearchSort.UpdatedNewest,
                V1.SearchSort.UpdatedOldest => SearchSort.UpdatedOldest,
                _ => throw new AllixiosException(AllixiosErrorKind.InvalidArgument, "search_sort_invalid", $"Sort {(int)request.Sort} is not known; use SEARCH_SORT_RELEVANCE, SEARCH_SORT_PUBLISHED_NEWEST, SEARCH_SORT_PUBLISHED_OLDEST, SEARCH_SORT_UPDATED_NEWEST or SEARCH_SORT_UPDATED_OLDEST."),
            },
            Language = string.IsNullOrEmpty(request.Language) ? "en" : request.Language,
            TypoTolerance = !request.HasTypoTolerance || request.TypoTolerance,
        };
        var mode = request.Mode switch
        {
            V1.SearchMode.Unspecified or V1.SearchMode.Lexical => SearchMode.Lexical,
            V1.SearchMode.Semantic => SearchMode.Semantic,
            V1.SearchMode.Hybrid => SearchMode.Hybrid,
            _ => throw new AllixiosException(AllixiosErrorKind.InvalidArgument, "search_mode_invalid", $"Mode {(int)request.Mode} is not known; use SEARCH_MODE_LEXICAL, SEARCH_MODE_SEMANTIC or SEARCH_MODE_HYBRID."),
        };

        var searchContext = new SearchContext
        {
            UserId = string.IsNullOrEmpty(request.UserId) ? null : request.UserId,
            ExperimentId = string.IsNullOrEmpty(request.ExperimentId) ? null : request.ExperimentId,
        };
        var tracked = await search.SearchAsync(tenant, query, mode, searchContext, context.CancellationToken);
        var results = tracked.Results;
        var response = new V1.SearchQueryResponse
        {
            Total = results.Total,
            TotalIsLowerBound = results.TotalIsLowerBound,
            QueryId = tracked.QueryId.ToString(),
            Mode = tracked.Mode switch
            {
                SearchMode.Semantic => V1.SearchMode.Semantic,
                SearchMode.Hybrid => V1.SearchMode.Hybrid,
                _ => V1.SearchMode.Lexical,
            },
        };
        if (tracked.Arm is { } arm)
        {
            response.ExperimentArm = arm;
        }

        foreach (var hit in results.Hits)
        {
            var contract = new V1.SearchHit
            {
                Id = hit.Id,
                Score = hit.Score,
                Title = hit.Title,
                PublishedAt = ToTimestamp(hit.PublishedAt),
                UpdatedAt = ToTimestamp(hit.UpdatedAt),
            };
            contract.Tags.Add(hit.Tags);
            if (hit.Snippet is { } snippet)
            {
                contract.Snippet = snippet;
            }

            if (hit.Category is { } category)
            {
                contract.Category = category;
            }

            if (hit.Author is { } author)
            {
                contract.Author = author;
            }

            response.Hits.Add(contract);
        }

        foreach (var (field, counts) in results.Facets)
        {
            var facet = new V1.SearchFacet();
            facet.Values.Add(counts.Select(c => new V1.SearchFacetCount { Value = c.Value, Count = c.Count }));
            response.Facets[field] = facet;
        }

        foreach (var (term, terms) in results.Expansions)
        {
            var expansion = new V1.SearchTerms();
            expansion.Terms.Add(terms);
            response.Expansions[term] = expansion;
        }

        return response;
    }

    public override async Task<V1.ReindexSearchResponse> Reindex(V1.ReindexSearchRequest request, ServerCallContext context)
    {
        var tenant = TenantOf(context, ApiScopes.SearchWrite);
        return new V1.ReindexSearchResponse { Reindexed = await index.ReindexAsync(tenant, cancellationToken: context.CancellationToken) };
    }

    private static SearchDocument ToDocument(V1.SearchDocument document) => new(document.Id, document.Title, document.Body)
    {
        Language = string.IsNullOrEmpty(document.Language) ? "en" : document.Language,
        Category = document.HasCategory ? document.Category : null,
        Tags = document.Tags.ToList(),
        Author = document.HasAuthor ? document.Author : null,
        PublishedAt = document.PublishedAt?.ToDateTimeOffset(),
        UpdatedAt = document.UpdatedAt?.ToDateTimeOffset(),
        Fields = document.Fields.ToDictionary(),
    };

    private static Timestamp? ToTimestamp(DateTimeOffset? value) => value is { } v ? Timestamp.FromDateTimeOffset(v) : null;

    private static string TenantOf(ServerCallContext context, string scope)
    {
        var caller = Caller.From(context);
        caller.Require(scope);
        return caller.TenantId;
    }
}

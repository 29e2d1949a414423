using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace Allixios.Search.Hybrid;

/// <summary>
/// Runs a query in any <see cref="SearchMode"/>: lexical through the <see cref="ISearchIndex"/>; semantic through an
/// <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> and an <see cref="IVectorSearch"/>; hybrid by fusing both
/// lists with <see cref="RankFusion"/>. Semantic and hybrid need both registered, and say so when they are not.
/// </summary>
public sealed class HybridSearch(
    ISearchIndex index,
    IOptions<SearchOptions> searchOptions,
    IOptions<HybridSearchOptions> hybridOptions,
    IEmbeddingGenerator<string, Embedding<float>>? embeddings = null,
    IVectorSearch? vectors = null)
{
    /// <summary>Whether semantic and hybrid modes are available (an embedding generator and a vector index are registered).</summary>
    public bool SupportsSemantic => embeddings is not null && vectors is not null;

    /// <summary>Runs <paramref name="query"/> in <paramref name="mode"/>.</summary>
    public async ValueTask<SearchResults> SearchAsync(string tenantId, SearchQuery query, SearchMode mode = SearchMode.Lexical, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        if (mode == SearchMode.Lexical)
        {
            return await index.SearchAsync(tenantId, query, cancellationToken);
        }

        if (!Enum.IsDefined(mode))
        {
            throw AllixiosException.Invalid("search_mode_invalid", $"Search mode {(int)mode} is not known; use lexical, semantic or hybrid.");
        }

        if (embeddings is null || vectors is null)
        {
            throw new AllixiosException(
                AllixiosErrorKind.FailedPrecondition,
                "search_semantic_unavailable",
                $"{mode} search needs an embedding generator and a vector index, and this host has {(embeddings is null ? "no embedding generator" : "no vector index")}; use mode lexical, or configure semantic search.");
        }

        SearchRules.CheckQuery(query, searchOptions.Value);
        var options = hybridOptions.Value;
        var depth = Math.Max(options.Candidates, query.Offset + query.Top);
        // The two rankers wait on different things (the embedder and the vector index; the lexical index), so they run
        // side by side: a hybrid query takes about as long as the slower of them, not their sum.
        var semanticTask = SemanticAsync(tenantId, query, vectors, embeddings, depth, cancellationToken);
        IReadOnlyList<RankedItem> ranked;
        SearchResults? lexical = null;
        if (mode != SearchMode.Hybrid)
        {
            ranked = await semanticTask;
        }
        else
        {
            var feedback = query.Feedback ?? (options.FeedbackDocuments == 0 ? null : new QueryFeedback
            {
                FeedbackDocuments = options.FeedbackDocuments,
                ExpansionTerms = options.FeedbackTerms,
                OriginalQueryWeight = options.FeedbackOriginalWeight,
            });
            var lexicalTask = index.SearchAsync(tenantId, query with { Top = Math.Min(depth, searchOptions.Value.MaxTop), Offset = 0, Highlight = false, Feedback = feedback }, cancellationToken).AsTask();
            await Task.WhenAll(semanticTask, lexicalTask);
            (var semantic, lexical) = (await semanticTask, await lexicalTask);
            var lists = new IReadOnlyList<RankedItem>[] { lexical.Hits.Select(h => new RankedItem(h.Id, h.Score)).ToList(), semantic };
            double[] weights = [options.LexicalWeight, 1 - options.LexicalWeight];
            ranked = options.Fusion == FusionMethod.WeightedScores
                ? RankFusion.WeightedScores(lists, weights)
                : RankFusion.ReciprocalRank(lists, options.RrfK, weights);
        }

        var hits = new List<SearchHit>();
        var page = ranked.Skip(query.Offset).Take(query.Top).ToList();
        var documents = await SearchDocuments.GetManyAsync(index, tenantId, page.Select(i => i.Id).ToList(), cancellationToken);
        foreach (var item in page)
        {
            if (documents.TryGetValue(item.Id, out var document))
            {
                var highlight = query.Highlight ? Highlight(query, document) : null;
                hits.Add(new SearchHit(document.Id, item.Score, document.Title, highlight)
                {
                    Category = document.Category,
                    Tags = document.Tags,
                    Author = document.Author,
                    PublishedAt = document.PublishedAt,
                    UpdatedAt = document.UpdatedAt,
                });
            }
        }

        return new SearchResults(
            hits,
            ranked.Count,
            lexical?.Facets ?? new Dictionary<string, IReadOnlyList<FacetCount>>(),
            lexical?.Expansions ?? new Dictionary<string, IReadOnlyList<string>>());
    }

    private async Task<List<RankedItem>> SemanticAsync(
        string tenantId, SearchQuery query, IVectorSearch vectors, IEmbeddingGenerator<string, Embedding<float>> embeddings, int depth, CancellationToken cancellationToken)
    {
        var vector = (await embeddings.GenerateAsync([query.Text], cancellationToken: cancellationToken))[0].Vector;
        return await FilteredAsync(tenantId, await vectors.SearchAsync(tenantId, vector, depth, cancellationToken), query.Filters, cancellationToken);
    }

    private string Highlight(SearchQuery query, SearchDocument document)
    {
        // The query's own terms: a semantic hit may share none, and then the snippet is the body's start.
        var parsed = LexicalQuery.Parse(query.Text, query.Language);
        var terms = parsed.Terms.Concat(parsed.Phrases.SelectMany(p => p.Select(t => t.Term))).ToHashSet(StringComparer.Ordinal);
        return SnippetBuilder.Build(document.Body, document.Language, terms, searchOptions.Value.SnippetLength);
    }

    private async ValueTask<List<RankedItem>> FilteredAsync(string tenantId, IReadOnlyList<RankedItem> items, IReadOnlyList<SearchFilter> filters, CancellationToken cancellationToken)
    {
        if (filters.Count == 0)
        {
            return items.ToList();
        }

        var documents = await SearchDocuments.GetManyAsync(index, tenantId, items.Select(i => i.Id).ToList(), cancellationToken);
        return items.Where(i => documents.TryGetValue(i.Id, out var document) && filters.All(f => LexicalSearch.Matches(document, f))).ToList();
    }
}

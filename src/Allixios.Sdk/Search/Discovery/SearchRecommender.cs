using Allixios.Search.Analytics;
using Allixios.Search.Hybrid;
using Allixios.Search.Vectors;
using Microsoft.Extensions.Options;

namespace Allixios.Search.Discovery;

/// <summary>
/// Recommendations for a document of a tenant: "more like this" (vector neighbours of its stored vector when semantic
/// search is on, else a lexical query of its most distinctive terms), "also viewed" (documents the same users or
/// sessions interacted with, by cosine similarity of their user sets) and a weighted blend of both. The source document
/// is never recommended, nor a document that is no longer indexed; an unknown source document is
/// <c>search_document_not_found</c>.
/// </summary>
public sealed class SearchRecommender
{
    /// <summary>The most recommendations one call returns.</summary>
    public const int MaxTop = 100;

    private readonly ISearchIndex _index;
    private readonly ISearchAnalyticsStore _analytics;
    private readonly SearchDiscoveryOptions _options;
    private readonly SearchOptions _searchOptions;
    private readonly TimeProvider _time;
    private readonly IVectorIndex? _vectors;
    private readonly string? _vectorIndexName;

    /// <summary>
    /// Recommends from <paramref name="index"/> and <paramref name="analytics"/>; with <paramref name="vectors"/> and
    /// <paramref name="vectorIndexName"/> (semantic search on), "more like this" uses the documents' stored vectors.
    /// </summary>
    public SearchRecommender(
        ISearchIndex index,
        ISearchAnalyticsStore analytics,
        IOptions<SearchDiscoveryOptions> options,
        IOptions<SearchOptions> searchOptions,
        TimeProvider time,
        IVectorIndex? vectors = null,
        string? vectorIndexName = null)
    {
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(analytics);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(searchOptions);
        ArgumentNullException.ThrowIfNull(time);
        _index = index;
        _analytics = analytics;
        _options = options.Value;
        _searchOptions = searchOptions.Value;
        _time = time;
        if (vectors is not null && vectorIndexName is not null)
        {
            VectorIndexInput.IndexName(vectorIndexName);
            _vectors = vectors;
            _vectorIndexName = vectorIndexName;
        }
    }

    /// <summary>
    /// Documents like <paramref name="documentId"/>: its vector's nearest neighbours (score: cosine similarity) when it
    /// has a stored vector, else the BM25 hits of a query made of its <see cref="SearchDiscoveryOptions.MoreLikeThisTerms"/>
    /// most distinctive terms (score: BM25).
    /// </summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="documentId">The source document.</param>
    /// <param name="top">How many: 1 to <see cref="MaxTop"/>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async ValueTask<IReadOnlyList<Recommendation>> MoreLikeThisAsync(string tenantId, string documentId, int top = 10, CancellationToken cancellationToken = default)
    {
        var source = await SourceAsync(tenantId, documentId, top, cancellationToken);
        return await HydrateAsync(tenantId, await ContentNeighboursAsync(tenantId, source, top, cancellationToken), top, RecommendationSources.Content, cancellationToken);
    }

    /// <summary>
    /// Documents that users or sessions who viewed or clicked <paramref name="documentId"/> within
    /// <paramref name="window"/> (default <see cref="SearchDiscoveryOptions.AlsoViewedWindow"/>) also viewed or clicked
    /// in it; score: the cosine similarity of the two documents' user sets, 0 to 1. Empty when nobody interacted with it.
    /// </summary>
    public async ValueTask<IReadOnlyList<Recommendation>> AlsoViewedAsync(string tenantId, string documentId, int top = 10, TimeSpan? window = null, CancellationToken cancellationToken = default)
    {
        await SourceAsync(tenantId, documentId, top, cancellationToken);
        var since = Since(window);
        return await HydrateAsync(tenantId, await BehaviourNeighboursAsync(tenantId, documentId, since, cancellationToken), top, RecommendationSources.Behaviour, cancellationToken);
    }

    /// <summary>
    /// A blend of <see cref="MoreLikeThisAsync"/> and <see cref="AlsoViewedAsync"/>: each list's scores are min-max
    /// normalised and weighted (<see cref="RankFusion.WeightedScores"/>), a document in both lists gets both parts, and
    /// every document appears once. Weights default to <see cref="SearchDiscoveryOptions.ContentWeight"/> and
    /// <see cref="SearchDiscoveryOptions.BehaviourWeight"/>; each 0 to 1, not both 0.
    /// </summary>
    public async ValueTask<IReadOnlyList<Recommendation>> RecommendAsync(
        string tenantId,
        string documentId,
        int top = 10,
        double? contentWeight = null,
        double? behaviourWeight = null,
        TimeSpan? window = null,
        CancellationToken cancellationToken = default)
    {
        var content = contentWeight ?? _options.ContentWeight;
        var behaviour = behaviourWeight ?? _options.BehaviourWeight;
        if (!(content is >= 0 and <= 1) || !(behaviour is >= 0 and <= 1) || content + behaviour <= 0)
        {
            throw AllixiosException.Invalid(
                "search_recommendation_weights_invalid",
                $"Content weight {content} and behaviour weight {behaviour}: each must be from 0 to 1, and not both 0.");
        }

        var source = await SourceAsync(tenantId, documentId, top, cancellationToken);
        var since = Since(window);

        // Deeper than the page, so that documents only one list ranks high can still meet in the blend.
        var depth = Math.Min(MaxTop, top * 3);
        var byContent = await ContentNeighboursAsync(tenantId, source, depth, cancellationToken);
        var byBehaviour = await BehaviourNeighboursAsync(tenantId, documentId, since, cancellationToken);
        var blended = RankFusion.WeightedScores([byContent, byBehaviour], [content, behaviour]);
        var contentIds = byContent.Select(i => i.Id).ToHashSet(StringComparer.Ordinal);
        var behaviourIds = byBehaviour.Select(i => i.Id).ToHashSet(StringComparer.Ordinal);
        var result = new List<Recommendation>();
        foreach (var item in blended)
        {
            if (result.Count == top)
            {
                break;
            }

            if (await _index.GetAsync(tenantId, item.Id, cancellationToken) is { } document)
            {
                var sources = new List<string>(2);
                if (contentIds.Contains(item.Id))
                {
                    sources.Add(RecommendationSources.Content);
                }

                if (behaviourIds.Contains(item.Id))
                {
                    sources.Add(RecommendationSources.Behaviour);
                }

                result.Add(new Recommendation(document.Id, Math.Round(item.Score, 6), document.Title, sources));
            }
        }

        return result;
    }

    private async ValueTask<SearchDocument> SourceAsync(string tenantId, string documentId, int top, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        if (string.IsNullOrEmpty(documentId))
        {
            throw AllixiosException.Invalid("search_document_id_invalid", "Name the document to recommend for: its id is empty.");
        }

        if (top is < 1 or > MaxTop)
        {
            throw AllixiosException.Invalid("search_top_out_of_range", $"Asked for {top} recommendations; ask for 1 to {MaxTop}.");
        }

        return await _index.GetAsync(tenantId, documentId, cancellationToken)
            ?? throw AllixiosException.NotFound("search_document_not_found", $"The tenant has no indexed document '{documentId}'.");
    }

    private DateTimeOffset Since(TimeSpan? window)
    {
        var span = window ?? _options.AlsoViewedWindow;
        if (span <= TimeSpan.Zero || span > SearchAnalyticsInput.MaxWindow)
        {
            throw AllixiosException.Invalid("search_window_invalid", $"The window is {span}; use more than 0 and at most {SearchAnalyticsInput.MaxWindow.TotalDays:0} days.");
        }

        return _time.GetUtcNow() - span;
    }

    private async ValueTask<List<RankedItem>> ContentNeighboursAsync(string tenantId, SearchDocument source, int top, CancellationToken cancellationToken)
    {
        if (_vectors is not null && await _vectors.GetVectorAsync(tenantId, _vectorIndexName!, source.Id, cancellationToken) is { } vector)
        {
            var matches = await _vectors.SearchAsync(tenantId, _vectorIndexName!, new VectorQuery(vector) { TopK = Math.Min(top + 1, VectorIndexInput.MaxTopK) }, cancellationToken);
            return matches.Where(m => m.DocumentId != source.Id).Select(m => new RankedItem(m.DocumentId, Math.Round(m.Score, 6))).ToList();
        }

        if (await LexicalQueryTextAsync(tenantId, source, cancellationToken) is not { } text)
        {
            return [];
        }

        var hits = await _index.SearchAsync(
            tenantId,
            new SearchQuery(text) { Top = Math.Min(top + 1, _searchOptions.MaxTop), Language = source.Language, TypoTolerance = false },
            cancellationToken);
        return hits.Hits.Where(h => h.Id != source.Id).Select(h => new RankedItem(h.Id, h.Score)).ToList();
    }

    private async ValueTask<List<RankedItem>> BehaviourNeighboursAsync(string tenantId, string documentId, DateTimeOffset since, CancellationToken cancellationToken)
    {
        var co = await _analytics.GetCoOccurrencesAsync(tenantId, documentId, since, SearchAnalyticsInput.MaxTop, cancellationToken);
        return co.RankedByCosine().Select(d => new RankedItem(d.DocumentId, d.Score)).ToList();
    }

    /// <summary>
    /// The source's most distinctive words as a query: terms ranked by tf · idf (idf from the tenant's document
    /// frequencies when the index offers them), each written as it first occurs in the text, so the query analyses back
    /// to the same terms. Terms no other document has are skipped: they cannot find a neighbour.
    /// </summary>
    private async ValueTask<string?> LexicalQueryTextAsync(string tenantId, SearchDocument source, CancellationToken cancellationToken)
    {
        var terms = new Dictionary<string, (int Frequency, string Word)>(StringComparer.Ordinal);
        foreach (var text in new[] { source.Title, source.Body })
        {
            foreach (var token in TextAnalyzer.Analyze(text, source.Language))
            {
                terms[token.Term] = terms.TryGetValue(token.Term, out var seen)
                    ? (seen.Frequency + 1, seen.Word)
                    : (1, text[token.Start..token.End]);
            }
        }

        if (terms.Count == 0)
        {
            return null;
        }

        var vocabulary = Vocabulary(_index);
        IReadOnlyDictionary<string, int>? frequencies = vocabulary is null ? null : await vocabulary.DocumentFrequenciesAsync(tenantId, terms.Keys, cancellationToken);
        var count = frequencies is null ? 0 : await _index.CountAsync(tenantId, cancellationToken);
        var chosen = terms
            .Select(t =>
            {
                var df = frequencies?.GetValueOrDefault(t.Key) ?? 2;
                var idf = frequencies is null ? 1.0 : Math.Log(1 + ((count - df + 0.5) / (df + 0.5)));
                return (t.Value.Word, Df: df, Weight: t.Value.Frequency * idf, Term: t.Key);
            })
            .Where(t => t.Df > 1)
            .OrderByDescending(t => t.Weight).ThenBy(t => t.Term, StringComparer.Ordinal)
            .Take(_options.MoreLikeThisTerms);
        var query = new System.Text.StringBuilder();
        foreach (var (word, _, _, _) in chosen)
        {
            if (query.Length + word.Length + 1 > _searchOptions.MaxQueryLength)
            {
                break;
            }

            query.Append(query.Length == 0 ? string.Empty : " ").Append(word);
        }

        return query.Length == 0 ? null : query.ToString();
    }

    private static ISearchVocabulary? Vocabulary(ISearchIndex index) => index switch
    {
        ISearchVocabulary vocabulary => vocabulary,
        CacheInvalidatingSearchIndex cached => Vocabulary(cached.Inner),
        SemanticSearchIndex semantic => Vocabulary(semantic.Lexical),
        _ => null,
    };

    private async ValueTask<IReadOnlyList<Recommendation>> HydrateAsync(string tenantId, List<RankedItem> items, int top, string source, CancellationToken cancellationToken)
    {
        var result = new List<Recommendation>();
        foreach (var item in items)
        {
            if (result.Count == top)
            {
                break;
            }

            if (await _index.GetAsync(tenantId, item.Id, cancellationToken) is { } document)
            {
                result.Add(new Recommendation(document.Id, item.Score, document.Title, [source]));
            }
        }

        return result;
    }
}

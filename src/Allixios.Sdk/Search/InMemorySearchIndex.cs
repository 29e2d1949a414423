using Microsoft.Extensions.Options;

namespace Allixios.Search;

/// <summary>
/// The embedded default <see cref="ISearchIndex"/>: an inverted index per tenant in this process's memory, lost when
/// it stops. It ranks with the same analyzer and BM25 arithmetic as <see cref="PostgresSearchIndex"/>.
/// </summary>
public sealed class InMemorySearchIndex(IOptions<SearchOptions> options) : ISearchIndex, ISearchVocabulary, ISearchDocumentReader
{
    private const int ProgressChunk = 256;

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, TenantIndex> _tenants = new(StringComparer.Ordinal);

    private const string Store = "memory";

    private SearchOptions Options => options.Value;

    /// <inheritdoc />
    public ValueTask<int> UpsertAsync(string tenantId, IReadOnlyList<SearchDocument> documents, IProgress<SearchIndexingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        var batch = SearchRules.CheckBatch(documents, Options);
        var analysed = new List<AnalyzedDocument>(batch.Count);
        foreach (var document in batch)
        {
            cancellationToken.ThrowIfCancellationRequested();
            analysed.Add(AnalyzedDocument.Create(document));
            if (analysed.Count % ProgressChunk == 0 && analysed.Count < batch.Count)
            {
                progress?.Report(new SearchIndexingProgress(analysed.Count, batch.Count));
            }
        }

        var index = _tenants.GetOrAdd(tenantId, _ => new TenantIndex());
        lock (index)
        {
            foreach (var document in analysed)
            {
                index.Remove(document.Document.Id);
                index.Add(document);
            }
        }

        progress?.Report(new SearchIndexingProgress(batch.Count, batch.Count));
        SearchTelemetry.Indexed(Store, batch.Count);
        return ValueTask.FromResult(batch.Count);
    }

    /// <inheritdoc />
    public ValueTask<int> DeleteAsync(string tenantId, IReadOnlyList<string> ids, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        var checkedIds = SearchRules.CheckIds(ids, Options);
        if (!_tenants.TryGetValue(tenantId, out var index))
        {
            return ValueTask.FromResult(0);
        }

        lock (index)
        {
            return ValueTask.FromResult(checkedIds.Count(index.Remove));
        }
    }

    /// <inheritdoc />
    public ValueTask<SearchDocument?> GetAsync(string tenantId, string id, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        if (!_tenants.TryGetValue(tenantId, out var index))
        {
            return ValueTask.FromResult<SearchDocument?>(null);
        }

        lock (index)
        {
            return ValueTask.FromResult(index.Documents.TryGetValue(id, out var d) ? d.Document : null);
        }
    }

    /// <inheritdoc />
    public ValueTask<long> CountAsync(string tenantId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        if (!_tenants.TryGetValue(tenantId, out var index))
        {
            return ValueTask.FromResult(0L);
        }

        lock (index)
        {
            return ValueTask.FromResult((long)index.Documents.Count);
        }
    }

    /// <inheritdoc />
    public ValueTask<int> ReindexAsync(string tenantId, IProgress<SearchIndexingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        if (!_tenants.TryGetValue(tenantId, out var index))
        {
            progress?.Report(new SearchIndexingProgress(0, 0));
            return ValueTask.FromResult(0);
        }

        List<SearchDocument> documents;
        lock (index)
        {
            documents = index.Documents.Values.Select(d => d.Document).ToList();
        }

        var rebuilt = new TenantIndex();
        for (var i = 0; i < documents.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            rebuilt.Add(AnalyzedDocument.Create(documents[i]));
            if ((i + 1) % ProgressChunk == 0)
            {
                progress?.Report(new SearchIndexingProgress(i + 1, documents.Count));
            }
        }

        // Swapped whole, so queries meanwhile see the old index; writes made during the rebuild are carried over.
        lock (index)
        {
            index.ReplaceWith(rebuilt, documents);
        }

        progress?.Report(new SearchIndexingProgress(documents.Count, documents.Count));
        SearchTelemetry.Indexed(Store, documents.Count);
        return ValueTask.FromResult(documents.Count);
    }

    /// <inheritdoc />
    public async ValueTask<SearchResults> SearchAsync(string tenantId, SearchQuery query, CancellationToken cancellationToken = default)
    {
        using var activity = SearchTelemetry.StartQuery(Store);
        var startedAt = System.Diagnostics.Stopwatch.GetTimestamp();
        var results = await SearchCoreAsync(tenantId, query, cancellationToken);
        SearchTelemetry.Queried(Store, startedAt);
        return results;
    }

    private async ValueTask<SearchResults> SearchCoreAsync(string tenantId, SearchQuery query, CancellationToken cancellationToken)
    {
        var resolved = await LexicalSearch.PrepareAsync(this, tenantId, query, Options, cancellationToken);
        if (resolved is null)
        {
            return SearchResults.Empty;
        }

        var index = _tenants.GetValueOrDefault(tenantId) ?? new TenantIndex();
        var original = resolved;
        if (query.Feedback is { } feedback)
        {
            List<(string Id, double Score)> firstPass;
            lock (index)
            {
                firstPass = Matches(index, resolved, query)
                    .OrderByDescending(m => m.Score).ThenBy(m => m.Document.Document.Id, StringComparer.Ordinal)
                    .Take(feedback.FeedbackDocuments)
                    .Select(m => (m.Document.Document.Id, m.Score))
                    .ToList();
            }

            var vectors = await ((ISearchVocabulary)this).TermVectorsAsync(tenantId, firstPass.Select(f => f.Id).ToList(), cancellationToken);
            resolved = Rm3Expansion.Expand(resolved, firstPass, vectors, feedback);
        }

        List<(AnalyzedDocument Document, double Score)> matches;
        lock (index)
        {
            matches = Matches(index, resolved, query).ToList();
        }

        var facets = new SortedDictionary<string, IReadOnlyList<FacetCount>>(StringComparer.Ordinal);
        foreach (var field in query.Facets.Distinct(StringComparer.Ordinal))
        {
            facets[field] = matches
                .SelectMany(m => LexicalSearch.ValuesOf(m.Document.Document, field).Distinct(StringComparer.Ordinal))
                .GroupBy(v => v, StringComparer.Ordinal)
                .Select(g => new FacetCount(g.Key, g.LongCount()))
                .OrderByDescending(c => c.Count).ThenBy(c => c.Value, StringComparer.Ordinal)
                .Take(Options.MaxFacetValues)
                .ToList();
        }

        var hits = Order(matches, query.Sort)
            .Skip(query.Offset)
            .Take(query.Top)
            .Select(m => LexicalSearch.ToHit(m.Document.Document, m.Score, query, original, Options))
            .ToList();
        return new SearchResults(hits, matches.Count, facets, resolved.Expansions);
    }

    ValueTask<IReadOnlyDictionary<string, int>> ISearchVocabulary.DocumentFrequenciesAsync(string tenantId, IReadOnlyCollection<string> terms, CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, int>(StringComparer.Ordinal);
        if (_tenants.TryGetValue(tenantId, out var index))
        {
            lock (index)
            {
                foreach (var term in terms)
                {
                    if (index.Postings.TryGetValue(term, out var postings))
                    {
                        found[term] = postings.Count;
                    }
                }
            }
        }

        return ValueTask.FromResult<IReadOnlyDictionary<string, int>>(found);
    }

    ValueTask<IReadOnlyDictionary<string, SearchDocument>> ISearchDocumentReader.GetManyAsync(string tenantId, IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, SearchDocument>(StringComparer.Ordinal);
        if (_tenants.TryGetValue(tenantId, out var index))
        {
            lock (index)
            {
                foreach (var id in ids)
                {
                    if (index.Documents.TryGetValue(id, out var document))
                    {
                        found[id] = document.Document;
                    }
                }
            }
        }

        return ValueTask.FromResult<IReadOnlyDictionary<string, SearchDocument>>(found);
    }

    async IAsyncEnumerable<IReadOnlyList<SearchDocument>> ISearchDocumentReader.ReadAllAsync(string tenantId, int pageSize, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (!_tenants.TryGetValue(tenantId, out var index))
        {
            yield break;
        }

        List<SearchDocument> documents;
        lock (index)
        {
            documents = index.Documents.Values.Select(d => d.Document).OrderBy(d => d.Id, StringComparer.Ordinal).ToList();
        }

        foreach (var page in documents.Chunk(pageSize))
        {
            cancellationToken.ThrowIfCancellationRequested();
            await Task.Yield();
            yield return page;
        }
    }

    ValueTask<IReadOnlyDictionary<string, DocumentTermVector>> ISearchVocabulary.TermVectorsAsync(string tenantId, IReadOnlyCollection<string> documentIds, CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, DocumentTermVector>(StringComparer.Ordinal);
        if (_tenants.TryGetValue(tenantId, out var index))
        {
            lock (index)
            {
                foreach (var id in documentIds)
                {
                    if (index.Documents.TryGetValue(id, out var document))
                    {
                        found[id] = new DocumentTermVector(document.Length, document.Terms.Select(t => (t.Key, t.Value.Frequency)).ToList());
                    }
                }
            }
        }

        return ValueTask.FromResult<IReadOnlyDictionary<string, DocumentTermVector>>(found);
    }

    ValueTask<IReadOnlyList<TermFrequency>> ISearchVocabulary.TermsWithPrefixAsync(string tenantId, string prefix, int limit, CancellationToken cancellationToken)
    {
        if (!_tenants.TryGetValue(tenantId, out var index))
        {
            return ValueTask.FromResult<IReadOnlyList<TermFrequency>>([]);
        }

        lock (index)
        {
            return ValueTask.FromResult<IReadOnlyList<TermFrequency>>(index.Postings
                .Where(p => p.Key.StartsWith(prefix, StringComparison.Ordinal))
                .Select(p => new TermFrequency(p.Key, p.Value.Count))
                .OrderByDescending(t => t.DocumentFrequency).ThenBy(t => t.Term, StringComparer.Ordinal)
                .Take(limit)
                .ToList());
        }
    }

    ValueTask<IReadOnlyList<TermFrequency>> ISearchVocabulary.SimilarTermsAsync(string tenantId, string term, CancellationToken cancellationToken)
    {
        if (!_tenants.TryGetValue(tenantId, out var index))
        {
            return ValueTask.FromResult<IReadOnlyList<TermFrequency>>([]);
        }

        var trigrams = TrigramSimilarity.Trigrams(term);
        lock (index)
        {
            return ValueTask.FromResult<IReadOnlyList<TermFrequency>>(index.Postings
                .Where(p => TrigramSimilarity.IsSimilar(trigrams, TrigramSimilarity.Trigrams(p.Key)))
                .Select(p => new TermFrequency(p.Key, p.Value.Count))
                .ToList());
        }
    }

    private static IEnumerable<(AnalyzedDocument Document, double Score)> Order(List<(AnalyzedDocument Document, double Score)> matches, SearchSort sort)
    {
        if (sort == SearchSort.Relevance)
        {
            return matches.OrderByDescending(m => m.Score).ThenBy(m => m.Document.Document.Id, StringComparer.Ordinal);
        }

        Func<(AnalyzedDocument Document, double Score), DateTimeOffset?> date = sort is SearchSort.PublishedNewest or SearchSort.PublishedOldest
            ? m => m.Document.Document.PublishedAt
            : m => m.Document.Document.UpdatedAt;
        var withDate = matches.OrderBy(m => date(m) is null);
        var byDate = sort is SearchSort.PublishedNewest or SearchSort.UpdatedNewest
            ? withDate.ThenByDescending(date)
            : withDate.ThenBy(date);
        return byDate.ThenByDescending(m => m.Score).ThenBy(m => m.Document.Document.Id, StringComparer.Ordinal);
    }

    private IEnumerable<(AnalyzedDocument Document, double Score)> Matches(TenantIndex index, ResolvedQuery resolved, SearchQuery query)
        => index.Score(resolved, Options)
            .Where(m => resolved.Phrases.All(p => ContainsPhrase(m.Document, p)))
            .Where(m => query.Filters.All(f => LexicalSearch.Matches(m.Document.Document, f)));

    private static bool ContainsPhrase(AnalyzedDocument document, IReadOnlyList<PhraseTerm> phrase)
    {
        if (!document.Terms.TryGetValue(phrase[0].Term, out var first))
        {
            return false;
        }

        var rest = new List<(AnalyzedDocument.TermOccurrences Occurrences, int Offset)>();
        foreach (var term in phrase.Skip(1))
        {
            if (!document.Terms.TryGetValue(term.Term, out var occurrences))
            {
                return false;
            }

            rest.Add((occurrences, term.Offset));
        }

        return first.Positions.Any(p => rest.All(r => r.Occurrences.Contains(p + r.Offset)));
    }

    /// <summary>One tenant's documents and inverted index; guarded by locking the instance.</summary>
    private sealed class TenantIndex
    {
        public Dictionary<string, AnalyzedDocument> Documents { get; private set; } = new(StringComparer.Ordinal);

        /// <summary>Term → document id → the document's occurrences of the term.</summary>
        public Dictionary<string, Dictionary<string, AnalyzedDocument>> Postings { get; private set; } = new(StringComparer.Ordinal);

        public long TotalLength { get; private set; }

        public void Add(AnalyzedDocument document)
        {
            Documents[document.Document.Id] = document;
            TotalLength += document.Length;
            foreach (var term in document.Terms.Keys)
            {
                if (!Postings.TryGetValue(term, out var postings))
                {
                    Postings[term] = postings = new(StringComparer.Ordinal);
                }

                postings[document.Document.Id] = document;
            }
        }

        public bool Remove(string id)
        {
            if (!Documents.Remove(id, out var document))
            {
                return false;
            }

            TotalLength -= document.Length;
            foreach (var term in document.Terms.Keys)
            {
                var postings = Postings[term];
                postings.Remove(id);
                if (postings.Count == 0)
                {
                    Postings.Remove(term);
                }
            }

            return true;
        }

        public void ReplaceWith(TenantIndex rebuilt, List<SearchDocument> snapshot)
        {
            var current = Documents.Values.ToList();
            var currentIds = Documents.Keys.ToHashSet(StringComparer.Ordinal);
            var snapshotIds = snapshot.ToDictionary(d => d.Id, StringComparer.Ordinal);
            (Documents, Postings, TotalLength) = (rebuilt.Documents, rebuilt.Postings, rebuilt.TotalLength);
            foreach (var id in snapshotIds.Keys.Where(id => !currentIds.Contains(id)))
            {
                Remove(id);
            }

            foreach (var document in current.Where(c => !snapshotIds.TryGetValue(c.Document.Id, out var s) || !ReferenceEquals(s, c.Document)))
            {
                Remove(document.Document.Id);
                Add(document);
            }
        }

        public IEnumerable<(AnalyzedDocument Document, double Score)> Score(ResolvedQuery query, SearchOptions options)
        {
            if (Documents.Count == 0)
            {
                return [];
            }

            var averageLength = (double)TotalLength / Documents.Count;
            var scores = new Dictionary<AnalyzedDocument, double>();
            foreach (var (term, weight) in query.Weights)
            {
                if (!Postings.TryGetValue(term, out var postings))
                {
                    continue;
                }

                var termWeight = weight * Bm25.Idf(Documents.Count, postings.Count);
                foreach (var document in postings.Values)
                {
                    scores[document] = scores.GetValueOrDefault(document)
                        + Bm25.Term(termWeight, document.Terms[term].Frequency, document.Length, averageLength, options.K1, options.B);
                }
            }

            return scores.Select(s => (s.Key, Bm25.Round(s.Value)));
        }
    }
}

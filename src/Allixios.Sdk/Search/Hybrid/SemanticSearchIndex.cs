using Allixios.Search.Vectors;
using Microsoft.Extensions.AI;

namespace Allixios.Search.Hybrid;

/// <summary>
/// An <see cref="ISearchIndex"/> that keeps a vector index in step with a lexical one: upserted documents are embedded
/// (title and body, in batches through the generator) and their vectors written to the named index; deleted documents
/// lose their vectors. Queries go to the lexical index; <see cref="HybridSearch"/> reads the vectors through
/// <see cref="VectorIndexSearch"/>. Registered by <c>AddSemanticSearch</c>, so lexical-only hosts never load a model.
/// </summary>
public sealed class SemanticSearchIndex : ISearchIndex, ISearchDocumentReader
{
    // The vector index takes at most this many records or ids per call.
    private const int VectorBatchLimit = 10_000;

    private readonly ISearchIndex _lexical;
    private readonly IEmbeddingGenerator<string, Embedding<float>> _embeddings;
    private readonly IVectorIndex _vectors;
    private readonly SemanticSearchOptions _options;

    /// <summary>Wraps <paramref name="lexical"/>, embedding with <paramref name="embeddings"/> into <paramref name="vectors"/>.</summary>
    public SemanticSearchIndex(ISearchIndex lexical, IEmbeddingGenerator<string, Embedding<float>> embeddings, IVectorIndex vectors, SemanticSearchOptions options)
    {
        ArgumentNullException.ThrowIfNull(lexical);
        ArgumentNullException.ThrowIfNull(embeddings);
        ArgumentNullException.ThrowIfNull(vectors);
        ArgumentNullException.ThrowIfNull(options);
        VectorIndexInput.IndexName(options.IndexName);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.EmbeddingBatchSize, 1);
        _lexical = lexical;
        _embeddings = embeddings;
        _vectors = vectors;
        _options = options;
    }

    /// <summary>The lexical index it wraps (recommendations read its term statistics).</summary>
    internal ISearchIndex Lexical => _lexical;

    /// <summary>The text a document is embedded from: its title, then its body.</summary>
    public static string EmbeddingText(SearchDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        return string.IsNullOrWhiteSpace(document.Title) ? document.Body : $"{document.Title}\n{document.Body}";
    }

    /// <inheritdoc />
    /// <remarks>
    /// The vectors are computed first (the slow, failure-prone step) so a failing model writes nothing. The lexical and
    /// vector writes are two stores: if the vector write fails after the lexical one, the documents' old vectors are
    /// removed (best effort) so semantic search never ranks a document by text it no longer has.
    /// </remarks>
    public async ValueTask<int> UpsertAsync(string tenantId, IReadOnlyList<SearchDocument> documents, IProgress<SearchIndexingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        ArgumentNullException.ThrowIfNull(documents);
        if (documents.Any(d => d is null))
        {
            throw AllixiosException.Invalid("search_document_invalid", "The batch holds a null document; send each document with an id, a title and a body.");
        }

        var records = new List<VectorRecord>(documents.Count);
        foreach (var chunk in documents.Chunk(_options.EmbeddingBatchSize))
        {
            var generated = await _embeddings.GenerateAsync(chunk.Select(EmbeddingText).ToList(), cancellationToken: cancellationToken);
            if (generated.Count != chunk.Length)
            {
                throw new InvalidOperationException($"The embedding generator returned {generated.Count} vectors for {chunk.Length} texts.");
            }

            for (var i = 0; i < chunk.Length; i++)
            {
                records.Add(new VectorRecord(chunk[i].Id, generated[i].Vector));
            }
        }

        var written = await _lexical.UpsertAsync(tenantId, documents, progress, cancellationToken);
        try
        {
            // The lexical index accepted the batch, so each id is valid; the last of a repeated id wins, as there.
            var latest = records.GroupBy(r => r.DocumentId, StringComparer.Ordinal).Select(g => g.Last()).ToList();
            foreach (var chunk in latest.Chunk(VectorBatchLimit))
            {
                await _vectors.UpsertAsync(tenantId, _options.IndexName, chunk, cancellationToken);
            }
        }
        catch
        {
            await DeleteVectorsAsync(tenantId, documents.Select(d => d.Id).Distinct(StringComparer.Ordinal).ToList(), CancellationToken.None);
            throw;
        }

        return written;
    }

    /// <inheritdoc />
    public async ValueTask<int> DeleteAsync(string tenantId, IReadOnlyList<string> ids, CancellationToken cancellationToken = default)
    {
        var deleted = await _lexical.DeleteAsync(tenantId, ids, cancellationToken);
        await DeleteVectorsAsync(tenantId, ids.Distinct(StringComparer.Ordinal).ToList(), cancellationToken);
        return deleted;
    }

    /// <inheritdoc />
    public ValueTask<SearchDocument?> GetAsync(string tenantId, string id, CancellationToken cancellationToken = default)
        => _lexical.GetAsync(tenantId, id, cancellationToken);

    /// <inheritdoc />
    public ValueTask<long> CountAsync(string tenantId, CancellationToken cancellationToken = default)
        => _lexical.CountAsync(tenantId, cancellationToken);

    /// <inheritdoc />
    /// <remarks>
    /// Rebuilds the lexical structures, then re-embeds every document with the current generator (pages of
    /// <see cref="SemanticSearchOptions.EmbeddingBatchSize"/>, progress reported with
    /// <see cref="SearchIndexingStage.Embedding"/>), so a changed model or truncation length reaches all vectors. If the
    /// generator's dimension differs from the index's, the index is emptied first (semantic search then finds only the
    /// documents re-embedded so far). A document changed or deleted while its page was being embedded keeps the vector
    /// its own upsert wrote. A lexical index that cannot list its documents is reindexed without re-embedding.
    /// </remarks>
    public async ValueTask<int> ReindexAsync(string tenantId, IProgress<SearchIndexingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var reindexed = await _lexical.ReindexAsync(tenantId, progress, cancellationToken);
        if (_lexical is not ISearchDocumentReader reader)
        {
            return reindexed;
        }

        var total = (int)await _lexical.CountAsync(tenantId, cancellationToken);
        var done = 0;
        var checkedDimensions = false;
        progress?.Report(new SearchIndexingProgress(0, total) { Stage = SearchIndexingStage.Embedding });
        await foreach (var page in reader.ReadAllAsync(tenantId, _options.EmbeddingBatchSize, cancellationToken))
        {
            var generated = await _embeddings.GenerateAsync(page.Select(EmbeddingText).ToList(), cancellationToken: cancellationToken);
            if (generated.Count != page.Count)
            {
                throw new InvalidOperationException($"The embedding generator returned {generated.Count} vectors for {page.Count} texts.");
            }

            if (!checkedDimensions && generated.Count > 0)
            {
                checkedDimensions = true;
                if (await _vectors.GetDimensionsAsync(tenantId, _options.IndexName, cancellationToken) is { } dimensions && dimensions != generated[0].Vector.Length)
                {
                    await _vectors.DropIndexAsync(tenantId, _options.IndexName, cancellationToken);
                }
            }

            var records = new List<VectorRecord>(page.Count);
            for (var i = 0; i < page.Count; i++)
            {
                // Read again after the slow step: an upsert or delete meanwhile has written (or removed) the current vector.
                if (await _lexical.GetAsync(tenantId, page[i].Id, cancellationToken) is { } current
                    && string.Equals(EmbeddingText(current), EmbeddingText(page[i]), StringComparison.Ordinal))
                {
                    records.Add(new VectorRecord(page[i].Id, generated[i].Vector));
                }
            }

            foreach (var chunk in records.Chunk(VectorBatchLimit))
            {
                await _vectors.UpsertAsync(tenantId, _options.IndexName, chunk, cancellationToken);
            }

            done += page.Count;
            progress?.Report(new SearchIndexingProgress(done, Math.Max(done, total)) { Stage = SearchIndexingStage.Embedding });
        }

        return reindexed;
    }

    IAsyncEnumerable<IReadOnlyList<SearchDocument>> ISearchDocumentReader.ReadAllAsync(string tenantId, int pageSize, CancellationToken cancellationToken)
        => _lexical is ISearchDocumentReader reader ? reader.ReadAllAsync(tenantId, pageSize, cancellationToken) : AsyncEnumerable.Empty<IReadOnlyList<SearchDocument>>();

    async ValueTask<IReadOnlyDictionary<string, SearchDocument>> ISearchDocumentReader.GetManyAsync(string tenantId, IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
        => await SearchDocuments.GetManyAsync(_lexical, tenantId, ids, cancellationToken);

    /// <inheritdoc />
    public ValueTask<SearchResults> SearchAsync(string tenantId, SearchQuery query, CancellationToken cancellationToken = default)
        => _lexical.SearchAsync(tenantId, query, cancellationToken);

    private async ValueTask DeleteVectorsAsync(string tenantId, List<string> ids, CancellationToken cancellationToken)
    {
        foreach (var chunk in ids.Chunk(VectorBatchLimit))
        {
            await _vectors.DeleteAsync(tenantId, _options.IndexName, chunk, cancellationToken);
        }
    }
}

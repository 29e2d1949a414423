using Allixios.Search;
using Allixios.Search.Hybrid;
using Allixios.Search.Vectors;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using Xunit;

namespace Allixios.IntegrationTests.Search;

// Semantic indexing on PostgreSQL: documents and their vectors (pgvector) kept in step, queried through HybridSearch.
public sealed class PostgresSemanticSearchTests(MigratedPostgresDatabase database) : IClassFixture<MigratedPostgresDatabase>
{
    [Fact]
    public async Task Semantic_and_hybrid_search_find_documents_embedded_on_upsert_and_forget_deleted_ones()
    {
        var tenant = $"t-{Guid.NewGuid():N}";
        using var embedder = new KeywordEmbedder();
        var vectors = new PostgresVectorIndex(database.DataSource);
        var index = new SemanticSearchIndex(
            new PostgresSearchIndex(database.DataSource, Options.Create(new SearchOptions()), TimeProvider.System),
            embedder,
            vectors,
            new SemanticSearchOptions { IndexName = "keywords" });
        var search = new HybridSearch(index, Options.Create(new SearchOptions()), Options.Create(new HybridSearchOptions()), embedder, new VectorIndexSearch(vectors, "keywords"));

        await index.UpsertAsync(tenant, [new("a", "Wing", "wing lift"), new("b", "Heat", "heat transfer"), new("c", "Shock", "shock wave")]);
        var semantic = await search.SearchAsync(tenant, new SearchQuery("heat") { Top = 1 }, SearchMode.Semantic);
        var hybrid = await search.SearchAsync(tenant, new SearchQuery("shock") { Top = 3 }, SearchMode.Hybrid);
        await index.DeleteAsync(tenant, ["b"]);
        var afterDelete = await search.SearchAsync(tenant, new SearchQuery("heat") { Top = 3 }, SearchMode.Semantic);

        Assert.Equal(["b"], semantic.Hits.Select(h => h.Id));
        Assert.Equal("c", hybrid.Hits[0].Id);
        Assert.DoesNotContain("b", afterDelete.Hits.Select(h => h.Id));
        Assert.Equal(2, afterDelete.Hits.Count);
        Assert.Equal(4, await vectors.GetDimensionsAsync(tenant, "keywords"));
    }

    [Fact]
    public async Task Reindexing_re_embeds_the_documents_read_back_from_postgres_page_by_page()
    {
        var tenant = $"t-{Guid.NewGuid():N}";
        using var embedder = new KeywordEmbedder();
        var vectors = new PostgresVectorIndex(database.DataSource);
        var index = new SemanticSearchIndex(
            new PostgresSearchIndex(database.DataSource, Options.Create(new SearchOptions()), TimeProvider.System),
            embedder,
            vectors,
            new SemanticSearchOptions { IndexName = "keywords", EmbeddingBatchSize = 2 });
        await index.UpsertAsync(tenant, [new("a", "Wing", "wing lift"), new("b", "Heat", "heat transfer"), new("c", "Shock", "shock wave")]);
        // Stale vectors, as an older model would have left: a and c point at "heat".
        await vectors.UpsertAsync(tenant, "keywords", [new VectorRecord("a", new float[] { 0, 1, 0, 0.1f }), new VectorRecord("c", new float[] { 0, 1, 0, 0.1f })]);
        var reports = new List<SearchIndexingProgress>();

        Assert.Equal(3, await index.ReindexAsync(tenant, new ListProgress(reports)));

        var wing = await vectors.SearchAsync(tenant, "keywords", new VectorQuery(new float[] { 1, 0, 0, 0.1f }) { TopK = 1 });
        var shock = await vectors.SearchAsync(tenant, "keywords", new VectorQuery(new float[] { 0, 0, 1, 0.1f }) { TopK = 1 });
        Assert.Equal("a", wing.Single().DocumentId);
        Assert.Equal("c", shock.Single().DocumentId);
        Assert.Equal([0, 2, 3], reports.Where(r => r.Stage == SearchIndexingStage.Embedding).Select(r => r.Processed));
    }

    private sealed class ListProgress(List<SearchIndexingProgress> reports) : IProgress<SearchIndexingProgress>
    {
        public void Report(SearchIndexingProgress value) => reports.Add(value);
    }

    // One dimension per keyword plus a constant one, so no vector is all zero.
    private sealed class KeywordEmbedder : IEmbeddingGenerator<string, Embedding<float>>
    {
        private static readonly string[] Words = ["wing", "heat", "shock"];

        public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
            => Task.FromResult(new GeneratedEmbeddings<Embedding<float>>(values.Select(v =>
                new Embedding<float>(Words.Select(w => v.Contains(w, StringComparison.OrdinalIgnoreCase) ? 1f : 0f).Append(0.1f).ToArray()))));

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}

using Allixios.Search;
using Allixios.Search.Hybrid;
using Allixios.Search.Vectors;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Xunit;

namespace Allixios.Sdk.Tests.Search;

public sealed class SemanticSearchIndexTests : IDisposable
{
    private const string Tenant = "acme";

    private readonly WordCountEmbedder _embedder = new();
    private readonly InMemoryVectorIndex _vectors = new();
    private readonly InMemorySearchIndex _lexical = new(Options.Create(new SearchOptions()));

    [Fact]
    public async Task Upserted_documents_are_embedded_from_title_and_body_in_batches_into_the_named_index()
    {
        var index = Create(batchSize: 2);

        await index.UpsertAsync(Tenant, [Doc("a", "Wing", "flow"), Doc("b", "Heat", "shock"), Doc("c", "", "boundary")]);

        Assert.Equal([2, 1], _embedder.Calls.Select(c => c.Count));
        Assert.Equal(["Wing\nflow", "Heat\nshock", "boundary"], _embedder.Calls.SelectMany(c => c));
        Assert.Equal(6, await _vectors.GetDimensionsAsync(Tenant, "test-index"));
        var nearest = await _vectors.SearchAsync(Tenant, "test-index", new VectorQuery(WordCountEmbedder.Embed("heat")) { TopK = 1 });
        Assert.Equal("b", nearest.Single().DocumentId);
        Assert.Equal(3, await index.CountAsync(Tenant));
    }

    [Fact]
    public async Task Deleted_documents_lose_their_vectors_and_changed_ones_get_new_vectors()
    {
        var index = Create();
        await index.UpsertAsync(Tenant, [Doc("a", "Wing", "wing"), Doc("b", "Heat", "heat")]);

        Assert.Equal(1, await index.DeleteAsync(Tenant, ["a", "missing"]));
        await index.UpsertAsync(Tenant, [Doc("b", "Shock", "shock shock")]);

        var all = await _vectors.SearchAsync(Tenant, "test-index", new VectorQuery(WordCountEmbedder.Embed("shock")) { TopK = 10 });
        Assert.Equal(["b"], all.Select(m => m.DocumentId));
        Assert.True(all[0].Score > 0.99, $"b's vector should be its new text's; cosine was {all[0].Score}.");
    }

    [Fact]
    public async Task A_failing_embedder_writes_nothing()
    {
        var index = Create();
        _embedder.FailWith = new InvalidOperationException("model broke");

        await Assert.ThrowsAsync<InvalidOperationException>(async () => await index.UpsertAsync(Tenant, [Doc("a", "Wing", "flow")]));

        Assert.Equal(0, await index.CountAsync(Tenant));
        Assert.Null(await _vectors.GetDimensionsAsync(Tenant, "test-index"));
    }

    [Fact]
    public async Task An_invalid_document_is_refused_with_a_clear_error_and_leaves_no_vector()
    {
        var index = Create();

        var error = await Assert.ThrowsAsync<AllixiosException>(async () => await index.UpsertAsync(Tenant, [Doc("", "Wing", "flow")]));
        var nullDocument = await Assert.ThrowsAsync<AllixiosException>(async () => await index.UpsertAsync(Tenant, [null!]));

        Assert.Equal(AllixiosErrorKind.InvalidArgument, error.Kind);
        Assert.Equal(AllixiosErrorKind.InvalidArgument, nullDocument.Kind);
        Assert.Null(await _vectors.GetDimensionsAsync(Tenant, "test-index"));
    }

    [Fact]
    public async Task Semantic_and_hybrid_search_run_end_to_end_over_the_vector_index()
    {
        var index = Create();
        await index.UpsertAsync(Tenant, [Doc("a", "Wings", "wing wing lift"), Doc("b", "Heating", "heat heat"), Doc("c", "Shock", "shock flow")]);
        var search = new HybridSearch(index, Options.Create(new SearchOptions()), Options.Create(new HybridSearchOptions()), _embedder, new VectorIndexSearch(_vectors, "test-index"));

        var semantic = await search.SearchAsync(Tenant, new SearchQuery("heat") { Top = 1 }, SearchMode.Semantic);
        var hybrid = await search.SearchAsync(Tenant, new SearchQuery("shock") { Top = 3 }, SearchMode.Hybrid);
        var otherTenant = await search.SearchAsync("other", new SearchQuery("heat"), SearchMode.Semantic);

        Assert.Equal(["b"], semantic.Hits.Select(h => h.Id));
        Assert.Equal("Heating", semantic.Hits[0].Title);
        Assert.Equal("c", hybrid.Hits[0].Id);
        Assert.Empty(otherTenant.Hits);
    }

    [Fact]
    public async Task AddSemanticSearch_wires_the_embedder_and_vector_index_into_search()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(_embedder);
        services.AddAllixios().AddSemanticSearch(o => o.IndexName = "words");
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        var index = provider.GetRequiredService<ISearchIndex>();
        var search = provider.GetRequiredService<HybridSearch>();
        await index.UpsertAsync(Tenant, [Doc("a", "Wing", "wing"), Doc("b", "Heat", "heat")]);
        var results = await search.SearchAsync(Tenant, new SearchQuery("heat"), SearchMode.Semantic);

        Assert.IsType<SemanticSearchIndex>(index);
        Assert.True(search.SupportsSemantic);
        Assert.Equal("b", results.Hits[0].Id);
        Assert.Equal(6, await provider.GetRequiredService<IVectorIndex>().GetDimensionsAsync(Tenant, "words"));
    }

    [Fact]
    public async Task AddSearch_alone_stays_lexical_and_never_resolves_an_embedder()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(_ => throw new InvalidOperationException("lexical search must not build an embedder"));
        services.AddAllixios().AddSearch();
        await using var provider = services.BuildServiceProvider();

        var index = provider.GetRequiredService<ISearchIndex>();
        await index.UpsertAsync(Tenant, [Doc("a", "Wing", "wing")]);

        Assert.IsType<InMemorySearchIndex>(index);
        Assert.Null(provider.GetService<IVectorSearch>());
    }

    [Fact]
    public async Task Reindexing_re_embeds_every_document_in_batches_and_reports_embedding_progress()
    {
        var index = Create(batchSize: 2);
        await index.UpsertAsync(Tenant, [Doc("a", "Wing", "flow"), Doc("b", "Heat", "shock"), Doc("c", "", "boundary")]);
        // As if an older model had written these: the reindex must replace them.
        await _vectors.UpsertAsync(Tenant, "test-index", [new VectorRecord("a", WordCountEmbedder.Embed("heat")), new VectorRecord("c", WordCountEmbedder.Embed("heat"))]);
        _embedder.Calls.Clear();
        var reports = new List<SearchIndexingProgress>();

        Assert.Equal(3, await index.ReindexAsync(Tenant, new SyncProgress(reports)));

        Assert.Equal([["Wing\nflow", "Heat\nshock"], ["boundary"]], _embedder.Calls.Select(c => c.ToArray()));
        var embedding = reports.Where(r => r.Stage == SearchIndexingStage.Embedding).ToList();
        Assert.Equal([new SearchIndexingProgress(0, 3), new SearchIndexingProgress(2, 3), new SearchIndexingProgress(3, 3)], embedding.Select(r => r with { Stage = SearchIndexingStage.Indexing }));
        Assert.Contains(reports, r => r.Stage == SearchIndexingStage.Indexing && r.Processed == 3);
        var nearest = await _vectors.SearchAsync(Tenant, "test-index", new VectorQuery(WordCountEmbedder.Embed("heat")) { TopK = 1 });
        Assert.Equal("b", nearest.Single().DocumentId);
        var boundary = await _vectors.SearchAsync(Tenant, "test-index", new VectorQuery(WordCountEmbedder.Embed("boundary")) { TopK = 1 });
        Assert.Equal("c", boundary.Single().DocumentId);
    }

    [Fact]
    public async Task Reindexing_with_an_embedder_of_another_dimension_replaces_the_whole_index()
    {
        await Create().UpsertAsync(Tenant, [Doc("a", "Wing", "flow"), Doc("b", "Heat", "shock")]);
        using var wider = new PaddedEmbedder();
        var index = new SemanticSearchIndex(_lexical, wider, _vectors, new SemanticSearchOptions { IndexName = "test-index" });

        await index.ReindexAsync(Tenant);

        Assert.Equal(WordCountEmbedder.Embed("x").Length + 2, await _vectors.GetDimensionsAsync(Tenant, "test-index"));
        var all = await _vectors.SearchAsync(Tenant, "test-index", new VectorQuery(PaddedEmbedder.Embed("shock")) { TopK = 10 });
        Assert.Equal(["b", "a"], all.Select(m => m.DocumentId));
    }

    [Fact]
    public async Task A_failing_embedder_fails_the_reindex_and_keeps_the_old_vectors()
    {
        var index = Create();
        await index.UpsertAsync(Tenant, [Doc("a", "Wing", "flow")]);
        _embedder.FailWith = new InvalidOperationException("model broke");

        await Assert.ThrowsAsync<InvalidOperationException>(async () => await index.ReindexAsync(Tenant));

        var nearest = await _vectors.SearchAsync(Tenant, "test-index", new VectorQuery(WordCountEmbedder.Embed("wing")) { TopK = 1 });
        Assert.Equal("a", nearest.Single().DocumentId);
    }

    [Fact]
    public void A_bad_index_name_fails_validation_with_the_setting_named()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(_embedder);
        services.AddAllixios().AddSemanticSearch(o => o.IndexName = "Bad Name!");
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<SemanticSearchOptions>>().Value);
        Assert.Contains("IndexName", error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _embedder.Dispose();

    private static SearchDocument Doc(string id, string title, string body) => new(id, title, body);

    private SemanticSearchIndex Create(int batchSize = 256)
        => new(_lexical, _embedder, _vectors, new SemanticSearchOptions { IndexName = "test-index", EmbeddingBatchSize = batchSize });

    /// <summary>Records reports as they are made (Progress&lt;T&gt; would post them later, on the thread pool).</summary>
    private sealed class SyncProgress(List<SearchIndexingProgress> reports) : IProgress<SearchIndexingProgress>
    {
        public void Report(SearchIndexingProgress value) => reports.Add(value);
    }

    /// <summary>A <see cref="WordCountEmbedder"/> whose vectors have two more dimensions, like a newer model.</summary>
    private sealed class PaddedEmbedder : IEmbeddingGenerator<string, Embedding<float>>
    {
        public static float[] Embed(string text) => [.. WordCountEmbedder.Embed(text), 0.5f, 0.5f];

        public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
            => Task.FromResult(new GeneratedEmbeddings<Embedding<float>>(values.Select(t => new Embedding<float>(Embed(t)))));

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}

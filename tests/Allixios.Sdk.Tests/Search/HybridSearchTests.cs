using Allixios.Search;
using Allixios.Search.Hybrid;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using Xunit;

namespace Allixios.Sdk.Tests.Search;

public sealed class HybridSearchTests
{
    private const string Tenant = "acme";

    [Theory]
    [InlineData(SearchMode.Semantic)]
    [InlineData(SearchMode.Hybrid)]
    public async Task Semantic_modes_say_what_is_missing_when_no_embedder_is_configured(SearchMode mode)
    {
        var search = new HybridSearch(await IndexAsync(), Options.Create(new SearchOptions()), Options.Create(new HybridSearchOptions()));

        var error = await Assert.ThrowsAsync<AllixiosException>(async () => await search.SearchAsync(Tenant, new SearchQuery("wing"), mode));

        Assert.Equal(AllixiosErrorKind.FailedPrecondition, error.Kind);
        Assert.Equal("search_semantic_unavailable", error.Reason);
        Assert.Contains("no embedding generator", error.Message, StringComparison.Ordinal);
        Assert.False(search.SupportsSemantic);
    }

    [Fact]
    public async Task Hybrid_mode_fuses_the_lexical_and_the_vector_list_by_reciprocal_rank()
    {
        var embedder = new FixedEmbedder();
        var vectors = new FixedVectors([new("c", 0.9), new("b", 0.5)]);
        var search = new HybridSearch(await IndexAsync(), Options.Create(new SearchOptions()), Options.Create(new HybridSearchOptions()), embedder, vectors);

        var results = await search.SearchAsync(Tenant, new SearchQuery("wing") { Top = 3 }, SearchMode.Hybrid);

        // Lexical: a (wing twice), b. Vector: c, b. RRF: b = 0.5/62 + 0.5/62, a = 0.5/61, c = 0.5/61.
        Assert.Equal(["b", "a", "c"], results.Hits.Select(h => h.Id));
        Assert.Equal(["wing"], embedder.Inputs);
        Assert.Equal("Third", results.Hits[2].Title);
    }

    [Fact]
    public async Task Hybrid_mode_expands_the_lexical_side_with_feedback_unless_it_is_turned_off()
    {
        var index = await IndexAsync();
        var vectors = new FixedVectors([]);
        var withFeedback = new HybridSearch(index, Options.Create(new SearchOptions()), Options.Create(new HybridSearchOptions()), new FixedEmbedder(), vectors);
        var without = new HybridSearch(index, Options.Create(new SearchOptions()), Options.Create(new HybridSearchOptions { FeedbackDocuments = 0 }), new FixedEmbedder(), vectors);

        var expanded = await withFeedback.SearchAsync(Tenant, new SearchQuery("theory"), SearchMode.Hybrid);
        var plain = await without.SearchAsync(Tenant, new SearchQuery("theory"), SearchMode.Hybrid);

        // b is the only document with "theory"; its other terms (wing, flow, ...) bring in a, which lacks the word.
        Assert.Equal(["b", "a"], expanded.Hits.Select(h => h.Id));
        Assert.Equal(["b"], plain.Hits.Select(h => h.Id));
    }

    [Fact]
    public async Task Semantic_mode_ranks_by_the_vector_index_and_applies_filters()
    {
        var vectors = new FixedVectors([new("c", 0.9), new("a", 0.7), new("b", 0.5)]);
        var search = new HybridSearch(await IndexAsync(), Options.Create(new SearchOptions()), Options.Create(new HybridSearchOptions()), new FixedEmbedder(), vectors);

        var all = await search.SearchAsync(Tenant, new SearchQuery("anything") { Top = 2 }, SearchMode.Semantic);
        var filtered = await search.SearchAsync(Tenant, new SearchQuery("anything") { Filters = [SearchFilter.AnyOf("category", "x")] }, SearchMode.Semantic);

        Assert.Equal(["c", "a"], all.Hits.Select(h => h.Id));
        Assert.Equal(3, all.Total);
        Assert.Equal(["a", "b"], filtered.Hits.Select(h => h.Id));
    }

    private static async Task<ISearchIndex> IndexAsync()
    {
        var index = new InMemorySearchIndex(Options.Create(new SearchOptions()));
        await index.UpsertAsync(Tenant,
        [
            new SearchDocument("a", "First", "wing wing flow") { Category = "x" },
            new SearchDocument("b", "Second", "wing theory flow and more words") { Category = "x" },
            new SearchDocument("c", "Third", "heat transfer") { Category = "y" },
        ]);
        return index;
    }

    private sealed class FixedEmbedder : IEmbeddingGenerator<string, Embedding<float>>
    {
        public List<string> Inputs { get; } = [];

        public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
        {
            Inputs.AddRange(values);
            return Task.FromResult(new GeneratedEmbeddings<Embedding<float>>([new Embedding<float>(new float[] { 1, 0 })]));
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }

    private sealed class FixedVectors(IReadOnlyList<RankedItem> items) : IVectorSearch
    {
        public ValueTask<IReadOnlyList<RankedItem>> SearchAsync(string tenantId, ReadOnlyMemory<float> vector, int top, CancellationToken cancellationToken = default)
            => ValueTask.FromResult<IReadOnlyList<RankedItem>>(tenantId == Tenant ? items.Take(top).ToList() : []);
    }
}

using Allixios.Search;
using Allixios.Search.Hybrid;
using Allixios.Search.Vectors;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using Npgsql;
using Xunit;

namespace Allixios.IntegrationTests.Search;

// The same corpus and queries in memory and in PostgreSQL give the same hits in the same order with the same scores.
public sealed class SearchParityTests(MigratedPostgresDatabase database) : IClassFixture<MigratedPostgresDatabase>
{
    private static readonly string[] Vocabulary =
    [
        "wing", "wings", "slipstream", "propeller", "boundary", "layer", "layers", "flow", "flows", "laminar", "turbulent",
        "heat", "heating", "transfer", "shock", "wave", "waves", "supersonic", "hypersonic", "pressure", "distribution",
        "theory", "theoretical", "experiment", "experimental", "cylinder", "cone", "plate", "flat", "buckling", "shell",
        "the", "of", "a", "in", "and", "on", "with", "at", "by", "aerodynamic", "aerodynamics", "stability", "control",
    ];

    [Theory]
    [InlineData("boundary layer flow")]
    [InlineData("heat transfer in hypersonic flow")]
    [InlineData("\"boundary layer\" heating")]
    [InlineData("aerodyn* stability")]
    [InlineData("slipstraem propellor")]
    [InlineData("shock waves on a cone")]
    [InlineData("the of a")]
    public async Task Memory_and_postgres_give_the_same_hits_in_the_same_order(string text)
        => await AssertParityAsync(text, feedback: null);

    [Theory]
    [InlineData("boundary layer flow")]
    [InlineData("heat transfer in hypersonic flow")]
    [InlineData("\"boundary layer\" heating")]
    [InlineData("slipstraem propellor")]
    public async Task Memory_and_postgres_expand_a_query_by_feedback_alike(string text)
        => await AssertParityAsync(text, new QueryFeedback());

    [Theory]
    [InlineData("boundary layer flow")]
    [InlineData("heat transfer in hypersonic flow")]
    [InlineData("shock waves on a cone")]
    public async Task Memory_and_postgres_give_the_same_hybrid_and_semantic_top_hits(string text)
    {
        var tenant = "h" + Guid.NewGuid().ToString("N")[..12];
        var options = Options.Create(new SearchOptions());
        using var embedder = new RandomWordEmbedder();
        var memoryVectors = new InMemoryVectorIndex();
        var postgresVectors = new PostgresVectorIndex(database.DataSource);
        var semantic = new SemanticSearchOptions { IndexName = "parity" };
        var memory = new SemanticSearchIndex(new InMemorySearchIndex(options), embedder, memoryVectors, semantic);
        var postgres = new SemanticSearchIndex(new PostgresSearchIndex(database.DataSource, options, TimeProvider.System), embedder, postgresVectors, semantic);
        var corpus = Corpus();
        await memory.UpsertAsync(tenant, corpus);
        await postgres.UpsertAsync(tenant, corpus);
        var hybrid = Options.Create(new HybridSearchOptions());
        var inMemory = new HybridSearch(memory, options, hybrid, embedder, new VectorIndexSearch(memoryVectors, "parity"));
        var inPostgres = new HybridSearch(postgres, options, hybrid, embedder, new VectorIndexSearch(postgresVectors, "parity"));

        foreach (var mode in new[] { SearchMode.Hybrid, SearchMode.Semantic })
        {
            var expected = await inMemory.SearchAsync(tenant, new SearchQuery(text) { Top = 10 }, mode);
            var actual = await inPostgres.SearchAsync(tenant, new SearchQuery(text) { Top = 10 }, mode);
            Assert.Equal(expected.Hits.Select(h => h.Id), actual.Hits.Select(h => h.Id));
            Assert.Equal(10, actual.Hits.Count);
        }
    }

    private async Task AssertParityAsync(string text, QueryFeedback? feedback)
    {
        var tenant = "p" + Guid.NewGuid().ToString("N")[..12];
        var options = Options.Create(new SearchOptions());
        var memory = new InMemorySearchIndex(options);
        var postgres = new PostgresSearchIndex(database.DataSource, options, TimeProvider.System);
        var corpus = Corpus();
        await memory.UpsertAsync(tenant, corpus);
        await postgres.UpsertAsync(tenant, corpus);
        var query = new SearchQuery(text) { Top = 20, Facets = ["category", "tags"], Highlight = true, Feedback = feedback };

        var expected = await memory.SearchAsync(tenant, query);
        var actual = await postgres.SearchAsync(tenant, query);

        Assert.Equal(expected.Hits.Select(h => (h.Id, h.Score, h.Snippet)), actual.Hits.Select(h => (h.Id, h.Score, h.Snippet)));
        Assert.Equal(expected.Total, actual.Total);
        Assert.Equal(expected.Facets.Keys, actual.Facets.Keys);
        foreach (var (field, counts) in expected.Facets)
        {
            Assert.Equal(counts, actual.Facets[field]);
        }

        Assert.Equal(expected.Expansions.Keys, actual.Expansions.Keys);
        foreach (var (term, expansions) in expected.Expansions)
        {
            Assert.Equal(expansions, actual.Expansions[term]);
        }
    }

    [Fact]
    public async Task Trigram_similarity_in_dotnet_agrees_with_pg_trgm()
    {
        string[] words = ["slipstream", "slipstraem", "propeller", "propellor", "aerodynam", "aerodinamic", "flow", "flo", "boundari", "bondary", "x", "heat2", "wing"];
        await using var connection = await database.DataSource.OpenConnectionAsync();
        foreach (var a in words)
        {
            foreach (var b in words)
            {
                await using var command = new NpgsqlCommand("SELECT similarity($1, $2)", connection);
                command.Parameters.Add(new() { Value = a });
                command.Parameters.Add(new() { Value = b });
                var expected = (float)(await command.ExecuteScalarAsync())!;
                Assert.Equal(expected, TrigramSimilarity.Similarity(TrigramSimilarity.Trigrams(a), TrigramSimilarity.Trigrams(b)));
            }
        }
    }

    internal static List<SearchDocument> Corpus()
    {
        var random = new Random(42);
        string Sentence(int words) => string.Join(' ', Enumerable.Range(0, words).Select(_ => Vocabulary[random.Next(Vocabulary.Length)]));
        return Enumerable.Range(0, 120).Select(i => new SearchDocument($"doc-{i:D3}", Sentence(6), Sentence(20 + random.Next(60)))
        {
            Category = $"c{i % 4}",
            Tags = [$"t{i % 3}", $"t{i % 5}"],
        }).ToList();
    }

    // The sum of a fixed random vector per word: continuous similarities (no ties for the stores to break differently),
    // and texts sharing words are near.
    private sealed class RandomWordEmbedder : IEmbeddingGenerator<string, Embedding<float>>
    {
        public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
            => Task.FromResult(new GeneratedEmbeddings<Embedding<float>>(values.Select(v => new Embedding<float>(Embed(v)))));

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }

        private static float[] Embed(string text)
        {
            var vector = new float[16];
            foreach (var word in text.ToLowerInvariant().Split([' ', '\n', '"'], StringSplitOptions.RemoveEmptyEntries))
            {
                var hash = 2166136261u;
                foreach (var c in word)
                {
                    hash = (hash ^ c) * 16777619u;
                }

                var random = new Random((int)hash);
                for (var i = 0; i < vector.Length; i++)
                {
                    vector[i] += (float)(random.NextDouble() - 0.5);
                }
            }

            vector[0] += 0.01f;
            return vector;
        }
    }
}

using Allixios.Search;
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
    {
        var tenant = "p" + Guid.NewGuid().ToString("N")[..12];
        var options = Options.Create(new SearchOptions());
        var memory = new InMemorySearchIndex(options);
        var postgres = new PostgresSearchIndex(database.DataSource, options, TimeProvider.System);
        var corpus = Corpus();
        await memory.UpsertAsync(tenant, corpus);
        await postgres.UpsertAsync(tenant, corpus);
        var query = new SearchQuery(text) { Top = 20, Facets = ["category", "tags"], Highlight = true };

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

    private static List<SearchDocument> Corpus()
    {
        var random = new Random(42);
        string Sentence(int words) => string.Join(' ', Enumerable.Range(0, words).Select(_ => Vocabulary[random.Next(Vocabulary.Length)]));
        return Enumerable.Range(0, 120).Select(i => new SearchDocument($"doc-{i:D3}", Sentence(6), Sentence(20 + random.Next(60)))
        {
            Category = $"c{i % 4}",
            Tags = [$"t{i % 3}", $"t{i % 5}"],
        }).ToList();
    }
}

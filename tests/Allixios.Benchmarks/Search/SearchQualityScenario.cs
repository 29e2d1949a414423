using System.Diagnostics;
using Allixios.Benchmarks.Orchestration;
using Allixios.Search;
using Allixios.Search.Embeddings;
using Allixios.Search.Hybrid;
using Allixios.Search.Vectors;
using Allixios.Storage;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Allixios.Benchmarks.Search;

/// <summary>
/// search-quality: indexes Cranfield in the chosen store, runs its 225 queries in the chosen mode and prints nDCG@10,
/// Recall@100 and the query latency p50/p95 (ms). Semantic and hybrid embed the documents with the local MiniLM embedder
/// into the store's vector index, as <c>AddSemanticSearch</c> does; hybrid also prints the semantic figures. <c>--fusion</c> picks the hybrid fusion (default:
/// <see cref="HybridSearchOptions"/>' default); <c>--sweep</c> also prints nDCG@10 and Recall@100 of a grid of fusion and
/// feedback settings over the same index (lexical: with RM3 feedback), which is how the defaults were chosen.
/// </summary>
internal static class SearchQualityScenario
{
    private const string Tenant = "cranfield";

    public static async Task<int> RunAsync(string dataset, string store, string mode, string? connection, string? fusion = null, bool sweep = false)
    {
        if (!Enum.TryParse<SearchMode>(mode, ignoreCase: true, out var searchMode) || !Enum.IsDefined(searchMode))
        {
            await Console.Error.WriteLineAsync($"Unknown mode '{mode}': use lexical, semantic or hybrid.");
            return 2;
        }

        var hybrid = new HybridSearchOptions();
        if (fusion is not null)
        {
            hybrid.Fusion = fusion == "weighted" ? FusionMethod.WeightedScores : FusionMethod.ReciprocalRank;
        }

        var collection = CranfieldCollection.Load(dataset);
        var options = Options.Create(new SearchOptions());
        switch (store)
        {
            case "memory":
                return await MeasureAsync(collection, new InMemorySearchIndex(options), new InMemoryVectorIndex(), store, searchMode, hybrid, sweep);
            case "postgres" when !string.IsNullOrWhiteSpace(connection):
                await using (var database = await BenchmarkDatabase.CreateAsync(connection))
                {
                    var builder = new NpgsqlDataSourceBuilder(database.ConnectionString);
                    builder.UseVector();
                    await using var dataSource = builder.Build();
                    await new MigrationRunner(dataSource).MigrateAsync();
                    return await MeasureAsync(collection, new PostgresSearchIndex(dataSource, options, TimeProvider.System), new PostgresVectorIndex(dataSource), store, searchMode, hybrid, sweep);
                }

            case "postgres":
                await Console.Error.WriteLineAsync("search-quality --store postgres needs --connection CS (a superuser) or ALLIXIOS_TEST_POSTGRES.");
                return 2;
            default:
                await Console.Error.WriteLineAsync($"Unknown store '{store}': use memory or postgres.");
                return 2;
        }
    }

    private static async Task<int> MeasureAsync(
        CranfieldCollection collection, ISearchIndex lexical, IVectorIndex vectorIndex, string store, SearchMode mode, HybridSearchOptions hybrid, bool sweep)
    {
        using var generator = mode == SearchMode.Lexical ? null : new MiniLmEmbeddingGenerator(new LocalEmbeddingOptions());
        var semantic = new SemanticSearchOptions();
        var index = generator is null ? lexical : new SemanticSearchIndex(lexical, generator, vectorIndex, semantic);
        var vectors = generator is null ? null : new VectorIndexSearch(vectorIndex, semantic.IndexName);
        var search = new HybridSearch(index, Options.Create(new SearchOptions()), Options.Create(hybrid), generator, vectors);

        var indexing = Stopwatch.StartNew();
        foreach (var chunk in collection.Documents.Chunk(500))
        {
            await index.UpsertAsync(Tenant, chunk.Select(d => new SearchDocument(d.Id, d.Title, d.Text)).ToList());
        }

        indexing.Stop();
        await Console.Error.WriteLineAsync($"Indexed {collection.Documents.Count} documents{(generator is null ? string.Empty : " with their vectors")} in {indexing.Elapsed.TotalSeconds:F1} s.");

        // One warm-up pass so that first-call costs (JIT, plans, pools) do not count as query latency.
        foreach (var query in collection.Queries.Take(20))
        {
            await search.SearchAsync(Tenant, new SearchQuery(query.Text) { Top = 100 }, mode);
        }

        var (ndcg, recall, latencies) = await EvaluateAsync(collection, search, mode);
        var name = $"search.cranfield.{store}.{mode.ToString().ToLowerInvariant()}";
        new Figure($"{name}.ndcg@10", ndcg, "score").Print();
        new Figure($"{name}.recall@100", recall, "score").Print();
        new Figure($"{name}.latency.p50", Math.Round(RetrievalMetrics.Percentile(latencies, 50), 2), "ms").Print();
        new Figure($"{name}.latency.p95", Math.Round(RetrievalMetrics.Percentile(latencies, 95), 2), "ms").Print();
        if (mode == SearchMode.Hybrid)
        {
            // The semantic list alone, from the same vectors: no second embedding of the collection.
            var (n, r, _) = await EvaluateAsync(collection, search, SearchMode.Semantic);
            new Figure($"search.cranfield.{store}.semantic.ndcg@10", n, "score").Print();
            new Figure($"search.cranfield.{store}.semantic.recall@100", r, "score").Print();
        }

        if (sweep && mode == SearchMode.Lexical)
        {
            var (n, r, _) = await EvaluateAsync(collection, search, mode, new QueryFeedback());
            new Figure($"{name}.rm3.ndcg@10", n, "score").Print();
            new Figure($"{name}.rm3.recall@100", r, "score").Print();
        }

        if (sweep && mode == SearchMode.Hybrid)
        {
            foreach (var (label, settings) in SweepSettings())
            {
                var variant = new HybridSearch(index, Options.Create(new SearchOptions()), Options.Create(settings), generator, vectors);
                var (n, r, _) = await EvaluateAsync(collection, variant, mode);
                new Figure($"{name}.{label}.ndcg@10", n, "score").Print();
                new Figure($"{name}.{label}.recall@100", r, "score").Print();
            }
        }

        return 0;
    }

    private static IEnumerable<(string Label, HybridSearchOptions Settings)> SweepSettings()
    {
        // Without feedback: the fusion alone, at the default depth and at the deepest the vector index serves.
        foreach (var depth in new[] { 100, 1000 })
        {
            yield return (FormattableString.Invariant($"rrf-k60-depth{depth}-nofeedback"), new HybridSearchOptions { FeedbackDocuments = 0, Candidates = depth });
            foreach (var weight in new[] { 0.3, 0.5 })
            {
                yield return (FormattableString.Invariant($"weighted-lexical{weight:0.0}-depth{depth}-nofeedback"), new HybridSearchOptions { FeedbackDocuments = 0, Candidates = depth, Fusion = FusionMethod.WeightedScores, LexicalWeight = weight });
            }
        }

        // RM3 on the lexical side: Anserini's defaults (10 documents, 10 terms, 0.5) and neighbours.
        foreach (var documents in new[] { 5, 10 })
        {
            foreach (var terms in new[] { 10, 20 })
            {
                foreach (var depth in new[] { 100, 1000 })
                {
                    yield return (FormattableString.Invariant($"rrf-k60-depth{depth}-rm3-d{documents}-t{terms}"), new HybridSearchOptions { FeedbackDocuments = documents, FeedbackTerms = terms, Candidates = depth });
                }
            }
        }

        foreach (var weight in new[] { 0.3, 0.5, 0.7 })
        {
            yield return (FormattableString.Invariant($"rrf-k60-lexical{weight:0.0}-rm3"), new HybridSearchOptions { LexicalWeight = weight });
            yield return (FormattableString.Invariant($"weighted-lexical{weight:0.0}-rm3"), new HybridSearchOptions { Fusion = FusionMethod.WeightedScores, LexicalWeight = weight });
        }

        foreach (var k in new[] { 10, 30 })
        {
            yield return (FormattableString.Invariant($"rrf-k{k}-rm3"), new HybridSearchOptions { RrfK = k });
        }
    }

    private static async Task<(double Ndcg, double Recall, List<double> Latencies)> EvaluateAsync(CranfieldCollection collection, HybridSearch search, SearchMode mode, QueryFeedback? feedback = null)
    {
        var (ndcg, recall, latencies) = (0.0, 0.0, new List<double>());
        foreach (var query in collection.Queries)
        {
            var clock = Stopwatch.StartNew();
            var results = await search.SearchAsync(Tenant, new SearchQuery(query.Text) { Top = 100, Feedback = feedback }, mode);
            latencies.Add(clock.Elapsed.TotalMilliseconds);
            var ranked = results.Hits.Select(h => h.Id).ToList();
            var gains = collection.Gains.GetValueOrDefault(query.Number) ?? new Dictionary<string, int>();
            ndcg += RetrievalMetrics.NdcgAt(ranked, gains, 10);
            recall += RetrievalMetrics.RecallAt(ranked, gains, 100);
        }

        return (Math.Round(ndcg / collection.Queries.Count, 3), Math.Round(recall / collection.Queries.Count, 3), latencies);
    }
}

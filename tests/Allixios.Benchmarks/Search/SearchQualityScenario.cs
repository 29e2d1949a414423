using System.Diagnostics;
using Allixios.Benchmarks.Orchestration;
using Allixios.Search;
using Allixios.Search.Hybrid;
using Allixios.Storage;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Allixios.Benchmarks.Search;

/// <summary>
/// search-quality: indexes Cranfield in the chosen store, runs its 225 queries in the chosen mode and prints nDCG@10,
/// Recall@100 and the query latency p50/p95 (ms).
/// </summary>
internal static class SearchQualityScenario
{
    private const string Tenant = "cranfield";

    public static async Task<int> RunAsync(string dataset, string store, string mode, string? connection)
    {
        if (!Enum.TryParse<SearchMode>(mode, ignoreCase: true, out var searchMode) || !Enum.IsDefined(searchMode))
        {
            await Console.Error.WriteLineAsync($"Unknown mode '{mode}': use lexical, semantic or hybrid.");
            return 2;
        }

        var collection = CranfieldCollection.Load(dataset);
        var options = Options.Create(new SearchOptions());
        switch (store)
        {
            case "memory":
                return await MeasureAsync(collection, new InMemorySearchIndex(options), store, searchMode);
            case "postgres" when !string.IsNullOrWhiteSpace(connection):
                await using (var database = await BenchmarkDatabase.CreateAsync(connection))
                {
                    var builder = new NpgsqlDataSourceBuilder(database.ConnectionString);
                    await using var dataSource = builder.Build();
                    await new MigrationRunner(dataSource).MigrateAsync();
                    return await MeasureAsync(collection, new PostgresSearchIndex(dataSource, options, TimeProvider.System), store, searchMode);
                }

            case "postgres":
                await Console.Error.WriteLineAsync("search-quality --store postgres needs --connection CS (a superuser) or ALLIXIOS_TEST_POSTGRES.");
                return 2;
            default:
                await Console.Error.WriteLineAsync($"Unknown store '{store}': use memory or postgres.");
                return 2;
        }
    }

    private static async Task<int> MeasureAsync(CranfieldCollection collection, ISearchIndex index, string store, SearchMode mode)
    {
        // No embedding generator or vector index is wired into the benchmarks yet: semantic and hybrid say so and stop.
        var search = new HybridSearch(index, Options.Create(new SearchOptions()), Options.Create(new HybridSearchOptions()));
        if (mode != SearchMode.Lexical && !search.SupportsSemantic)
        {
            await Console.Error.WriteLineAsync($"search-quality --mode {mode.ToString().ToLowerInvariant()} needs an embedding generator and a vector index, and none is configured in this build; run --mode lexical.");
            return 2;
        }

        var indexing = Stopwatch.StartNew();
        foreach (var chunk in collection.Documents.Chunk(500))
        {
            await index.UpsertAsync(Tenant, chunk.Select(d => new SearchDocument(d.Id, d.Title, d.Text)).ToList());
        }

        indexing.Stop();
        await Console.Error.WriteLineAsync($"Indexed {collection.Documents.Count} documents in {indexing.Elapsed.TotalSeconds:F1} s.");

        // One warm-up pass so that first-call costs (JIT, plans, pools) do not count as query latency.
        foreach (var query in collection.Queries.Take(20))
        {
            await search.SearchAsync(Tenant, new SearchQuery(query.Text) { Top = 100 }, mode);
        }

        var (ndcg, recall, latencies) = (0.0, 0.0, new List<double>());
        foreach (var query in collection.Queries)
        {
            var clock = Stopwatch.StartNew();
            var results = await search.SearchAsync(Tenant, new SearchQuery(query.Text) { Top = 100 }, mode);
            latencies.Add(clock.Elapsed.TotalMilliseconds);
            var ranked = results.Hits.Select(h => h.Id).ToList();
            var gains = collection.Gains.GetValueOrDefault(query.Number) ?? new Dictionary<string, int>();
            ndcg += RetrievalMetrics.NdcgAt(ranked, gains, 10);
            recall += RetrievalMetrics.RecallAt(ranked, gains, 100);
        }

        var name = $"search.cranfield.{store}.{mode.ToString().ToLowerInvariant()}";
        new Figure($"{name}.ndcg@10", Math.Round(ndcg / collection.Queries.Count, 3), "score").Print();
        new Figure($"{name}.recall@100", Math.Round(recall / collection.Queries.Count, 3), "score").Print();
        new Figure($"{name}.latency.p50", Math.Round(RetrievalMetrics.Percentile(latencies, 50), 2), "ms").Print();
        new Figure($"{name}.latency.p95", Math.Round(RetrievalMetrics.Percentile(latencies, 95), 2), "ms").Print();
        return 0;
    }
}

using System.Diagnostics;
using Allixios.Benchmarks.Orchestration;
using Allixios.Search;
using Allixios.Search.Hybrid;
using Allixios.Search.Vectors;
using Allixios.Storage;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Allixios.Benchmarks.Search;

/// <summary>
/// search-scale: indexes <c>--docs</c> synthetic documents (<see cref="SyntheticCorpus"/>: Zipfian generated vocabulary,
/// vectors near topic centroids through <see cref="SyntheticEmbeddingGenerator"/>, not a model) in PostgreSQL with
/// their vectors (pgvector HNSW), then runs warm queries one at a time and prints p50/p95 latency (ms) per mode: hybrid
/// with the defaults (RRF, RM3 feedback), hybrid without feedback, lexical, semantic; the baseline is a bare round trip
/// (<c>SELECT 1</c> in a tenant scope) measured in the same run. The HNSW index is built after the bulk load, as one
/// would for a first load (building it row by row is several times slower). <c>--keep</c> keeps the loaded database;
/// <c>--reuse NAME</c> queries such a database again (migrated to the current schema) without loading it.
/// </summary>
internal static class SearchScaleScenario
{
    private const string Tenant = "scale";
    private const int Queries = 200;
    private const int WarmUp = 20;

    public static async Task<int> RunAsync(int documents, string store, string? connection, bool keep, string? reuse)
    {
        if (store != "postgres" || string.IsNullOrWhiteSpace(connection))
        {
            await Console.Error.WriteLineAsync("search-scale needs --store postgres and --connection CS (a superuser) or ALLIXIOS_TEST_POSTGRES.");
            return 2;
        }

        await using var database = reuse is null ? await BenchmarkDatabase.CreateAsync(connection) : await BenchmarkDatabase.ExistingAsync(connection, reuse);
        if (keep && reuse is null)
        {
            database.Keep();
            await Console.Error.WriteLineAsync($"Keeping the database: {database.ConnectionString}");
        }
        var builder = new NpgsqlDataSourceBuilder(database.ConnectionString);
        builder.UseVector();
        await using var dataSource = builder.Build();
        await new MigrationRunner(dataSource).MigrateAsync();

        var corpus = new SyntheticCorpus();
        var generator = new SyntheticEmbeddingGenerator();
        var searchOptions = Options.Create(new SearchOptions());
        var lexical = new PostgresSearchIndex(dataSource, searchOptions, TimeProvider.System);
        var vectorIndex = new PostgresVectorIndex(dataSource);
        var semantic = new SemanticSearchOptions { EmbeddingBatchSize = 1_000 };
        var index = new SemanticSearchIndex(lexical, generator, vectorIndex, semantic);
        var vectors = new VectorIndexSearch(vectorIndex, semantic.IndexName);
        if (reuse is not null)
        {
            // The queries come after the documents from the same generator: make the documents to reach them.
            for (var n = 0; n < documents; n++)
            {
                corpus.Document(n);
            }

            await ExecuteAsync(database.SuperuserConnectionString, "VACUUM ANALYZE");
            return await QueryAsync(dataSource, corpus, generator, index, vectors, searchOptions, documents);
        }

        // The first upsert makes sure of the HNSW index (once per process); drop it for the bulk load, build it after.
        var first = corpus.Document(0);
        generator.Register(SemanticSearchIndex.EmbeddingText(new SearchDocument(first.Id, first.Title, first.Body)), first.Vector);
        await index.UpsertAsync(Tenant, [new SearchDocument(first.Id, first.Title, first.Body)]);
        await ExecuteAsync(database.SuperuserConnectionString, "DROP INDEX search_vectors_hnsw_384");

        var clock = Stopwatch.StartNew();
        var batch = new List<SearchDocument>(1_000);
        for (var n = 1; n < documents; n++)
        {
            var (id, title, body, vector) = corpus.Document(n);
            var document = new SearchDocument(id, title, body);
            generator.Register(SemanticSearchIndex.EmbeddingText(document), vector);
            batch.Add(document);
            if (batch.Count == 1_000 || n == documents - 1)
            {
                await index.UpsertAsync(Tenant, batch);
                batch.Clear();
                if (n % 10_000 < 1_000)
                {
                    await Console.Error.WriteLineAsync($"Indexed {n + 1} documents in {clock.Elapsed.TotalSeconds:F0} s.");
                }
            }
        }

        var loaded = clock.Elapsed.TotalSeconds;
        await ExecuteAsync(
            database.SuperuserConnectionString,
            "SET maintenance_work_mem = '1GB'",
            "CREATE INDEX search_vectors_hnsw_384 ON search_vectors USING hnsw ((embedding::vector(384)) vector_cosine_ops) WHERE dimensions = 384",
            "VACUUM ANALYZE");
        await Console.Error.WriteLineAsync($"Loaded {documents} documents in {loaded:F0} s; HNSW index and VACUUM ANALYZE in {clock.Elapsed.TotalSeconds - loaded:F0} s.");
        new Figure($"search.scale.postgres.{documents}.index", Math.Round(documents / loaded), "docs/s").Print();
        return await QueryAsync(dataSource, corpus, generator, index, vectors, searchOptions, documents);
    }

    private static async Task<int> QueryAsync(
        NpgsqlDataSource dataSource, SyntheticCorpus corpus, SyntheticEmbeddingGenerator generator, SemanticSearchIndex index, VectorIndexSearch vectors, IOptions<SearchOptions> searchOptions, int documents)
    {

        var queries = Enumerable.Range(0, Queries + WarmUp).Select(_ => corpus.Query()).ToList();
        foreach (var (text, vector) in queries)
        {
            generator.Register(text, vector);
        }

        var bare = await BareRoundTripsAsync(dataSource);
        var hybridDefaults = new HybridSearch(index, searchOptions, Options.Create(new HybridSearchOptions()), generator, vectors);
        var hybridPlain = new HybridSearch(index, searchOptions, Options.Create(new HybridSearchOptions { FeedbackDocuments = 0 }), generator, vectors);
        foreach (var (name, search, mode) in new[]
        {
            ("hybrid", hybridDefaults, SearchMode.Hybrid),
            ("hybrid-nofeedback", hybridPlain, SearchMode.Hybrid),
            ("lexical", hybridDefaults, SearchMode.Lexical),
            ("semantic", hybridDefaults, SearchMode.Semantic),
        })
        {
            var latencies = new List<double>();
            for (var i = 0; i < queries.Count; i++)
            {
                var started = Stopwatch.GetTimestamp();
                await search.SearchAsync(Tenant, new SearchQuery(queries[i].Text), mode);
                if (i >= WarmUp)
                {
                    latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }
            }

            foreach (var percentile in new[] { 50, 95 })
            {
                var value = Math.Round(RetrievalMetrics.Percentile(latencies, percentile), 2);
                Figure.Compared($"search.scale.postgres.{documents}.{name}.p{percentile}", value, "ms", "bare-roundtrip.p50", bare).Print();
            }
        }

        return 0;
    }

    private static async Task<double> BareRoundTripsAsync(NpgsqlDataSource dataSource)
    {
        var latencies = new List<double>();
        for (var i = 0; i < Queries + WarmUp; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await using (var scope = await PostgresScope.ForTenantAsync(dataSource, Tenant))
            {
                await using var command = scope.CreateCommand("SELECT 1");
                await command.ExecuteScalarAsync();
                await scope.CommitAsync();
            }

            if (i >= WarmUp)
            {
                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        }

        return Math.Round(RetrievalMetrics.Percentile(latencies, 50), 2);
    }

    private static async Task ExecuteAsync(string connectionString, params string[] statements)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        foreach (var sql in statements)
        {
            await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
            await command.ExecuteNonQueryAsync();
        }
    }
}

using Allixios.AiRouting;
using Allixios.AiRouting.Caching;
using Allixios.Caching;
using Allixios.Search.Vectors;
using Allixios.Usage;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Allixios.IntegrationTests.AiRouting;

/// <summary>
/// The semantic response cache on PostgreSQL: vectors in pgvector, hits recorded in the PostgreSQL usage ledger, and two
/// nodes (each with its own memory cache, no Redis) sharing the vector index without dropping each other's live entries.
/// </summary>
public sealed class PostgresSemanticCacheTests(MigratedPostgresDatabase database) : IClassFixture<MigratedPostgresDatabase>
{
    [Fact]
    public async Task A_near_question_is_answered_from_pgvector_and_the_hit_lands_in_the_ledger_at_zero_cost()
    {
        var tenant = $"t-{Guid.NewGuid():N}";
        var ledger = new PostgresUsageLedger(database.DataSource);
        await using var node = new Node(new PostgresVectorIndex(database.DataSource), ledger);

        await node.Client.GetResponseAsync("wing heat", Options(tenant));
        var near = await node.Client.GetResponseAsync("heat wing", Options(tenant));
        var far = await node.Client.GetResponseAsync("shock", Options(tenant));
        var otherTenant = await node.Client.GetResponseAsync("heat wing", Options($"t-{Guid.NewGuid():N}"));

        Assert.Equal(3, node.Upstream.Calls);
        Assert.Equal(AiCacheMode.Semantic, Assert.IsType<AiCacheHit>(near.AdditionalProperties![AiCacheHit.PropertyName]).Kind);
        Assert.Null(far.AdditionalProperties?.GetValueOrDefault(AiCacheHit.PropertyName));
        Assert.Null(otherTenant.AdditionalProperties?.GetValueOrDefault(AiCacheHit.PropertyName));
        var entries = await ledger.ListAsync(new UsageQuery(tenant));
        var hit = Assert.Single(entries);
        Assert.Equal((AiCachingChatClient.CacheProviderName, 0m, UsageOutcome.Succeeded), (hit.Provider, hit.Cost, hit.Outcome));
    }

    [Fact]
    public async Task A_node_without_the_answer_in_memory_misses_but_leaves_another_nodes_live_vector_alone()
    {
        var tenant = $"t-{Guid.NewGuid():N}";
        var vectors = new PostgresVectorIndex(database.DataSource);
        await using var first = new Node(vectors, ledger: null);
        await using var second = new Node(vectors, ledger: null);

        await first.Client.GetResponseAsync("wing heat", Options(tenant));
        var elsewhere = await second.Client.GetResponseAsync("heat wing", Options(tenant));
        var here = await first.Client.GetResponseAsync("heat wing", Options(tenant));

        Assert.Null(elsewhere.AdditionalProperties?.GetValueOrDefault(AiCacheHit.PropertyName));
        Assert.Equal(AiCacheMode.Semantic, Assert.IsType<AiCacheHit>(here.AdditionalProperties![AiCacheHit.PropertyName]).Kind);
    }

    private static ChatOptions Options(string tenant) => new()
    {
        Temperature = 0,
        AdditionalProperties = new() { [AiRouter.TenantIdProperty] = tenant, [AiCachingChatClient.CacheModeProperty] = "semantic" },
    };

    private sealed class Node : IAsyncDisposable
    {
        private readonly ServiceProvider _services;

        public Node(IVectorIndex vectors, IUsageLedger? ledger)
        {
            var services = new ServiceCollection();
            services.AddAllixios().AddCaching();
            _services = services.BuildServiceProvider();
            Client = new AiCachingChatClient(
                Upstream,
                _services.GetRequiredService<IAllixiosCache>(),
                Microsoft.Extensions.Options.Options.Create(new AiResponseCacheOptions { SemanticThreshold = 0.9 }),
                TimeProvider.System,
                ledger,
                vectors,
                new KeywordEmbedder());
        }

        public CountingChatClient Upstream { get; } = new();

        public AiCachingChatClient Client { get; }

        public ValueTask DisposeAsync() => _services.DisposeAsync();
    }

    private sealed class CountingChatClient : IChatClient
    {
        private int _calls;

        public int Calls => _calls;

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _calls);
            return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "An answer")) { FinishReason = ChatFinishReason.Stop, ModelId = "gpt-4o-mini" });
        }

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException("These tests make unary calls.");

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
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

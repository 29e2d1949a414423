using Allixios.Caching;
using Xunit;
using Xunit.Abstractions;

namespace Allixios.IntegrationTests.Caching;

/// <summary>Three cache nodes (three service providers) sharing the real test Redis, as three runtime replicas would.</summary>
public sealed class MultiNodeCacheTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly AllixiosCacheEntryOptions LongLived = new() { Expiration = TimeSpan.FromMinutes(10) };

    private readonly string _prefix = TestRedis.UniquePrefix();
    private CacheNode[] _nodes = [];

    private IAllixiosCache Node1 => _nodes[0].Cache;

    private IAllixiosCache Node2 => _nodes[1].Cache;

    private IAllixiosCache Node3 => _nodes[2].Cache;

    public Task InitializeAsync()
    {
        _nodes = [.. Enumerable.Range(0, 3).Select(_ => new CacheNode(TestRedis.Configuration, _prefix))];
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_value_made_on_one_node_is_an_L2_hit_on_the_others()
    {
        Assert.Equal("made on 1", await Node1.GetOrCreateAsync("content:42", _ => ValueTask.FromResult("made on 1"), LongLived));

        Assert.Equal("made on 1", await Node2.GetOrCreateAsync("content:42", NotCalled, LongLived));
        Assert.Equal("made on 1", await Node2.GetOrCreateAsync("content:42", NotCalled, LongLived));

        var stats = Node2.GetStats();
        Assert.Equal(1, stats.L2Hits);
        Assert.Equal(1, stats.L1Hits);
        Assert.Equal(0, stats.FactoryRuns);
    }

    [Fact]
    public async Task Invalidating_a_key_on_node_1_stops_nodes_2_and_3_serving_the_old_value()
    {
        var truth = "old";
        ValueTask<string> Source(CancellationToken _) => ValueTask.FromResult(truth);
        foreach (var node in new[] { Node1, Node2, Node3 })
        {
            Assert.Equal("old", await node.GetOrCreateAsync("content:42", Source, LongLived));
            Assert.Equal("old", await node.GetOrCreateAsync("content:42", Source, LongLived));
        }

        Assert.Equal(1, Node2.GetStats().L1Hits);
        truth = "new";
        await Node1.InvalidateKeyAsync("content:42");

        foreach (var (node, name) in new[] { (Node2, "node 2"), (Node3, "node 3") })
        {
            var took = await CacheNode.EventuallyAsync(async () => await node.GetOrCreateAsync("content:42", Source, LongLived) == "new", name + " serves the new value");
            output.WriteLine($"{name} served the new value {took.TotalMilliseconds:0.0} ms after the invalidation returned.");
        }

        Assert.True(Node2.GetStats().BackplaneReceived >= 1);
    }

    [Fact]
    public async Task Invalidating_a_tag_on_node_1_cascades_to_dependents_held_in_memory_on_nodes_2_and_3()
    {
        var version = 1;
        ValueTask<string> Page(CancellationToken _) => ValueTask.FromResult("page v" + version);
        ValueTask<string> Sitemap(CancellationToken _) => ValueTask.FromResult("sitemap v" + version);
        var page = new AllixiosCacheEntryOptions { Expiration = TimeSpan.FromMinutes(10), Tags = ["category:7"] };
        var sitemap = new AllixiosCacheEntryOptions { Expiration = TimeSpan.FromMinutes(10), DependsOn = ["page:1"] };
        foreach (var node in new[] { Node1, Node2, Node3 })
        {
            await node.GetOrCreateAsync("page:1", Page, page);
            await node.GetOrCreateAsync("sitemap", Sitemap, sitemap);
        }

        version = 2;
        Assert.Equal(2, await Node1.InvalidateTagAsync("category:7"));

        foreach (var node in new[] { Node2, Node3 })
        {
            await CacheNode.EventuallyAsync(async () => await node.GetOrCreateAsync("sitemap", Sitemap, sitemap) == "sitemap v2", "the dependent sitemap is made again");
            Assert.Equal("page v2", await node.GetOrCreateAsync("page:1", Page, page));
        }
    }

    [Fact]
    public async Task Setting_a_value_on_node_1_replaces_what_node_2_holds_in_memory()
    {
        await Node1.SetAsync("settings", "v1", LongLived);
        Assert.Equal("v1", await Node2.GetOrCreateAsync("settings", NotCalled, LongLived));

        await Node1.SetAsync("settings", "v2", LongLived);

        await CacheNode.EventuallyAsync(async () => await Node2.GetOrCreateAsync("settings", NotCalled, LongLived) == "v2", "node 2 serves v2");
    }

    [Fact]
    public async Task A_tag_known_on_one_node_is_known_on_all_and_an_unknown_one_fails_on_all()
    {
        await Node1.SetAsync("page:1", "one", new AllixiosCacheEntryOptions { Tags = ["home"] });

        Assert.Equal(1, await Node3.InvalidateTagAsync("home"));
        var error = await Assert.ThrowsAsync<AllixiosException>(async () => await Node2.InvalidateTagAsync("hmoe"));
        Assert.Equal("cache_tag_unknown", error.Reason);
    }

    private static ValueTask<string> NotCalled(CancellationToken cancellationToken) =>
        throw new InvalidOperationException("The factory must not run: the value is in Redis.");
}

using System.Diagnostics;
using Allixios.IntegrationTests.Caching;
using Allixios.Runtime.Contracts.V1;
using Grpc.Core;
using Xunit;

namespace Allixios.IntegrationTests.Runtime;

/// <summary>
/// Three runtime processes sharing one real Redis: an invalidation made on one reaches the memory (L1) of the others
/// through the backplane. The propagation figure itself is measured by the benchmark harness; here the bound is loose.
/// </summary>
public sealed class CacheReplicationTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task An_invalidation_on_node_one_stops_nodes_two_and_three_serving_the_old_value()
    {
        var nodes = await StartNodesAsync(3);
        try
        {
            var caches = nodes.Select(n => new Cache.CacheClient(n.Grpc)).ToArray();
            var admin = RuntimeProcess.WithKey(RuntimeProcess.BootstrapKey);
            await caches[0].SetEntryAsync(new SetCacheEntryRequest { Key = "page:home", Value = Google.Protobuf.WellKnownTypes.Value.ForString("v1"), Tags = { "section:home" } }, admin);

            // Nodes 2 and 3 read it from Redis (L2) and now hold it in memory (L1).
            foreach (var cache in caches[1..])
            {
                Assert.Equal("v1", (await cache.GetEntryAsync(new GetCacheEntryRequest { Key = "page:home" }, admin)).Value.StringValue);
            }

            var invalidated = await caches[0].InvalidateAsync(new InvalidateCacheRequest { Tags = { "section:home" } }, admin);

            Assert.Equal(1, invalidated.Invalidated);
            foreach (var cache in caches[1..])
            {
                Assert.True(await IsGoneWithinAsync(cache, "page:home", admin, Bound), "A node kept serving the invalidated value.");
            }

            var received = await caches[1].GetStatsAsync(new GetCacheStatsRequest(), admin);
            Assert.True(received.BackplaneReceived > 0);
        }
        finally
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task A_new_value_set_on_one_node_replaces_the_old_one_on_the_others()
    {
        var nodes = await StartNodesAsync(2);
        try
        {
            var (first, second) = (new Cache.CacheClient(nodes[0].Grpc), new Cache.CacheClient(nodes[1].Grpc));
            var admin = RuntimeProcess.WithKey(RuntimeProcess.BootstrapKey);
            await first.SetEntryAsync(new SetCacheEntryRequest { Key = "price", Value = Google.Protobuf.WellKnownTypes.Value.ForNumber(1) }, admin);
            Assert.Equal(1, (await second.GetEntryAsync(new GetCacheEntryRequest { Key = "price" }, admin)).Value.NumberValue);

            await first.SetEntryAsync(new SetCacheEntryRequest { Key = "price", Value = Google.Protobuf.WellKnownTypes.Value.ForNumber(2) }, admin);

            var clock = Stopwatch.StartNew();
            double seen;
            do
            {
                seen = (await second.GetEntryAsync(new GetCacheEntryRequest { Key = "price" }, admin)).Value.NumberValue;
            }
            while (seen != 2 && clock.Elapsed < Bound);

            Assert.Equal(2, seen);
        }
        finally
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }
        }
    }

    private static async Task<RuntimeProcess[]> StartNodesAsync(int count)
    {
        var environment = new Dictionary<string, string?>
        {
            ["ALLIXIOS__REDIS__CONFIGURATION"] = TestRedis.Configuration,
            // Its own namespace in the shared Redis, so parallel tests cannot see each other's entries.
            ["Allixios__Cache__RedisPrefix"] = TestRedis.UniquePrefix(),
        };
        return await Task.WhenAll(Enumerable.Range(0, count).Select(_ => RuntimeProcess.StartAsync(environment)));
    }

    private static async Task<bool> IsGoneWithinAsync(Cache.CacheClient cache, string key, CallOptions options, TimeSpan bound)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < bound)
        {
            try
            {
                await cache.GetEntryAsync(new GetCacheEntryRequest { Key = key }, options);
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
            {
                return true;
            }
        }

        return false;
    }
}

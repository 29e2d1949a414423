using Allixios.Caching;
using Xunit;
using Xunit.Abstractions;

namespace Allixios.IntegrationTests.Caching;

/// <summary>
/// Redis dies under load and comes back: no call fails, and the nodes heal without being recreated. Uses a redis-server
/// of its own (<see cref="PrivateRedisServer"/>), never the shared one.
/// </summary>
public sealed class RedisOutageTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Killing_Redis_under_load_fails_no_call_and_the_nodes_heal_after_it_restarts()
    {
        await using var redis = await PrivateRedisServer.StartAsync();
        var prefix = TestRedis.UniquePrefix();
        await using var node1 = new CacheNode(redis.Configuration, prefix);
        await using var node2 = new CacheNode(redis.Configuration, prefix);
        var nodes = new[] { node1.Cache, node2.Cache };
        var shortLived = new AllixiosCacheEntryOptions { Expiration = TimeSpan.FromMilliseconds(300), Tags = ["load"] };

        long calls = 0;
        var failures = new List<Exception>();
        using var stop = new CancellationTokenSource();
        async Task LoadAsync(int worker)
        {
            var random = new Random(worker);
            while (!stop.IsCancellationRequested)
            {
                var cache = nodes[worker % 2];
                var key = "item:" + random.Next(50);
                try
                {
                    switch (random.Next(20))
                    {
                        case 0:
                            await cache.SetAsync(key, "set by " + worker, shortLived);
                            break;
                        case 1:
                            await cache.InvalidateKeyAsync(key);
                            break;
                        default:
                            await cache.GetOrCreateAsync(key, _ => ValueTask.FromResult("made by " + worker), shortLived);
                            break;
                    }

                    Interlocked.Increment(ref calls);
                }
                catch (Exception e)
                {
                    lock (failures)
                    {
                        failures.Add(e);
                    }
                }

                await Task.Yield();
            }
        }

        var load = Enumerable.Range(0, 8).Select(w => Task.Run(() => LoadAsync(w))).ToArray();
        await Task.Delay(1000);
        var before = Interlocked.Read(ref calls);

        await redis.KillAsync();
        await Task.Delay(2000);
        var duringOutage = Interlocked.Read(ref calls) - before;

        await redis.StartAgainAsync();
        await CacheNode.EventuallyAsync(() => Task.FromResult(node1.Redis.IsConnected && node2.Redis.IsConnected), "both nodes reconnected", TimeSpan.FromSeconds(60));
        await Task.Delay(1000);
        await stop.CancelAsync();
        await Task.WhenAll(load);

        output.WriteLine($"{Interlocked.Read(ref calls)} calls, {duringOutage} while Redis was down; errors counted: node 1 {node1.Cache.GetStats().Errors}, node 2 {node2.Cache.GetStats().Errors}.");
        Assert.Empty(failures);
        Assert.True(duringOutage > 0, "The load must have gone on while Redis was down.");
        Assert.True(node1.Cache.GetStats().Errors + node2.Cache.GetStats().Errors > 0, "The outage must have been noticed and counted.");

        // Healed: the L2 and the backplane work again on the same providers. Node 2 holds v1 in memory for ten minutes;
        // only a backplane message from node 1 (over the restored subscription) can make it drop it.
        var longLived = new AllixiosCacheEntryOptions { Expiration = TimeSpan.FromMinutes(10) };
        await node1.Cache.SetAsync("healed", "v1", longLived);
        await CacheNode.EventuallyAsync(async () => (await node2.Cache.TryGetAsync<string>("healed")).Value == "v1", "node 2 reads v1 from Redis");
        Assert.Equal("v1", await node2.Cache.GetOrCreateAsync("healed", _ => ValueTask.FromResult("factory"), longLived));

        await node1.Cache.SetAsync("healed", "v2", longLived);

        await CacheNode.EventuallyAsync(async () => await node2.Cache.GetOrCreateAsync("healed", _ => ValueTask.FromResult("factory"), longLived) == "v2", "node 2 hears of v2 over the backplane");
    }
}

using System.Diagnostics;
using System.Net;
using System.Text;
using StackExchange.Redis;

namespace Allixios.Benchmarks.Cache;

/// <summary>
/// <c>cache-propagation</c>: three runtime processes share one Redis. Each round sets a key on node 1, makes nodes 2 and
/// 3 hold it in memory, then invalidates its tag on node 1 and times, from just before that call, how long until each
/// of nodes 2 and 3 answers 404. Prints the p50 and p99 over all rounds and nodes (target p99 ≤ 50 ms), each next to a
/// bare Redis pub/sub round trip measured in the same run, the floor any backplane stands on.
/// </summary>
internal static class CachePropagationScenario
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(1);

    public static async Task<IReadOnlyList<Figure>> RunAsync(string runtimeDll, string redis, int rounds)
    {
        var environment = new Dictionary<string, string>
        {
            ["ALLIXIOS__REDIS__CONFIGURATION"] = redis,
            ["Allixios__Cache__RedisPrefix"] = $"bench:{Guid.NewGuid():N}:",
        };
        var nodes = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => RuntimeNode.StartAsync(runtimeDll, environment)));
        try
        {
            var samples = new List<double>();
            var invalidateCalls = new List<double>();
            for (var round = 0; round < rounds + 10; round++)
            {
                var key = $"page:{round}";
                var tag = $"round:{round}";
                await SendAsync(nodes[0], HttpMethod.Put, $"/v1/cache/entries/{key}", $$"""{"value":"v{{round}}","tags":["{{tag}}"]}""", HttpStatusCode.OK);
                foreach (var node in nodes[1..])
                {
                    await SendAsync(node, HttpMethod.Get, $"/v1/cache/entries/{key}", null, HttpStatusCode.OK);
                }

                var clock = Stopwatch.StartNew();
                var invalidate = SendAsync(nodes[0], HttpMethod.Post, "/v1/cache:invalidate", $$"""{"tags":["{{tag}}"]}""", HttpStatusCode.OK);
                var gone = await Task.WhenAll(nodes[1..].Select(node => TimeUntilGoneAsync(node, key, clock)));
                await invalidate;
                var invalidateCall = clock.Elapsed.TotalMilliseconds;
                if (round >= 10)
                {
                    // The first rounds warm up connections and JIT; they are not measured.
                    samples.AddRange(gone);
                    invalidateCalls.Add(invalidateCall);
                }
            }

            samples.Sort();
            invalidateCalls.Sort();
            var bare = await BarePubSubRoundTripsAsync(redis, rounds);
            await Console.Error.WriteLineAsync($"cache-propagation: {samples.Count} samples over {rounds} rounds, min {samples[0]:0.00} ms, max {samples[^1]:0.00} ms; bare pub/sub p50 {Percentile(bare, 0.5):0.00} ms; invalidate call answered by p50 {Percentile(invalidateCalls, 0.5):0.00} ms");
            return
            [
                Figure.Compared("cache.backplane.propagation.p50", Math.Round(Percentile(samples, 0.50), 2), "ms", "redis.pubsub.p50", Math.Round(Percentile(bare, 0.50), 2)),
                Figure.Compared("cache.backplane.propagation.p99", Math.Round(Percentile(samples, 0.99), 2), "ms", "redis.pubsub.p99", Math.Round(Percentile(bare, 0.99), 2)),
            ];
        }
        finally
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// The floor under the figure, measured in the same run on the same machine load: one PUBLISH from one connection
    /// until another connection's subscriber sees it, with no cache or HTTP in between.
    /// </summary>
    private static async Task<List<double>> BarePubSubRoundTripsAsync(string redis, int rounds)
    {
        using var publisher = await ConnectionMultiplexer.ConnectAsync(redis);
        using var subscriber = await ConnectionMultiplexer.ConnectAsync(redis);
        var channel = RedisChannel.Literal($"bench:pubsub:{Guid.NewGuid():N}");
        TaskCompletionSource? arrived = null;
        await subscriber.GetSubscriber().SubscribeAsync(channel, (_, _) => arrived?.TrySetResult());
        var samples = new List<double>();
        for (var round = 0; round < rounds + 10; round++)
        {
            arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var clock = Stopwatch.StartNew();
            await publisher.GetSubscriber().PublishAsync(channel, "x");
            await arrived.Task.WaitAsync(TimeSpan.FromSeconds(10));
            if (round >= 10)
            {
                samples.Add(clock.Elapsed.TotalMilliseconds);
            }
        }

        samples.Sort();
        return samples;
    }

    private static async Task<double> TimeUntilGoneAsync(RuntimeNode node, string key, Stopwatch clock)
    {
        while (clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            using var response = await node.Http.GetAsync($"/v1/cache/entries/{key}");
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return clock.Elapsed.TotalMilliseconds;
            }

            // A short pause between polls: spinning would take the two cores from the nodes being measured.
            await Task.Delay(PollInterval);
        }

        throw new TimeoutException($"A node still served '{key}' 10 s after its invalidation.");
    }

    private static async Task SendAsync(RuntimeNode node, HttpMethod method, string path, string? json, HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        using var response = await node.Http.SendAsync(request);
        if (response.StatusCode != expected)
        {
            throw new InvalidOperationException($"{method} {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    private static double Percentile(List<double> sorted, double fraction)
        => sorted[Math.Clamp((int)Math.Ceiling(fraction * sorted.Count) - 1, 0, sorted.Count - 1)];
}

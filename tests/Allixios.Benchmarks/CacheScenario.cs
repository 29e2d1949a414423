using System.Diagnostics;
using Allixios.Caching;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Microsoft.Extensions.DependencyInjection;

namespace Allixios.Benchmarks;

/// <summary>
/// <c>cache [--redis CONFIG]</c>: the L1 hit next to raw HybridCache (BenchmarkDotNet, short in-process job, median
/// ns/op), the L2 hit latency against Redis, and 1,000 concurrent callers of one missing key. About a minute in all.
/// </summary>
internal static class CacheScenario
{
    public static async Task<int> RunAsync(string? redis)
    {
        RunL1Hit();
        if (redis is null)
        {
            await Console.Error.WriteLineAsync("cache.l2_hit skipped: no Redis (pass --redis HOST:PORT or set ALLIXIOS_TEST_REDIS).");
        }
        else
        {
            await RunL2HitAsync(redis);
        }

        await RunStampedeAsync();
        return 0;
    }

    private static void RunL1Hit()
    {
        // In process: no generated project to build, which would take minutes on a small machine. A short job, but
        // with 15 iterations, and the median rather than the mean: the machines are shared, and a neighbour's build
        // lands in single iterations, which the median leaves out.
        var config = ManualConfig.CreateEmpty()
            .AddJob(Job.Default.WithLaunchCount(1).WithWarmupCount(5).WithIterationCount(15).WithToolchain(InProcessEmitToolchain.Instance))
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddColumnProvider(DefaultColumnProviders.Instance)
            .AddLogger(new StderrLogger())
            .WithArtifactsPath(Path.Combine(Path.GetTempPath(), "allixios-benchmarks"))
            .WithOptions(ConfigOptions.DisableLogFile);
        var summary = BenchmarkRunner.Run<CacheL1HitBenchmarks>(config);
        var ours = Report(summary, nameof(CacheL1HitBenchmarks.AllixiosCacheHit));
        var baseline = Report(summary, nameof(CacheL1HitBenchmarks.HybridCacheHit));
        Figure.Compared("cache.l1_hit", Math.Round(ours.ResultStatistics!.Median, 1), "ns", "hybridcache.l1_hit", Math.Round(baseline.ResultStatistics!.Median, 1)).Print();
        Figure.Compared(
            "cache.l1_hit.allocated",
            ours.GcStats.GetBytesAllocatedPerOperation(ours.BenchmarkCase) ?? 0,
            "bytes/op",
            "hybridcache.l1_hit.allocated",
            baseline.GcStats.GetBytesAllocatedPerOperation(baseline.BenchmarkCase) ?? 0).Print();
    }

    private static BenchmarkReport Report(Summary summary, string method) =>
        summary.Reports.SingleOrDefault(r => r.BenchmarkCase.Descriptor.WorkloadMethod.Name == method && r.ResultStatistics is not null)
        ?? throw new InvalidOperationException($"BenchmarkDotNet produced no result for {method}; see its log on stderr.");

    private static async Task RunL2HitAsync(string redis)
    {
        var prefix = "bench:" + Guid.NewGuid().ToString("N")[..8] + ":";
        await using var writer = Node(redis, prefix);
        await using var reader = Node(redis, prefix);
        var cacheWriter = writer.GetRequiredService<IAllixiosCache>();
        var cacheReader = reader.GetRequiredService<IAllixiosCache>();
        var options = new AllixiosCacheEntryOptions { Expiration = TimeSpan.FromMinutes(5) };
        await cacheWriter.SetAsync("content:42", new string('x', 1024), options);

        // TryGet does not keep what it read from Redis in memory, so each call below is a real L2 hit.
        const int WarmUp = 500;
        const int Measured = 5000;
        var samples = new double[Measured];
        for (var i = 0; i < WarmUp + Measured; i++)
        {
            var started = Stopwatch.GetTimestamp();
            var found = await cacheReader.TryGetAsync<string>("content:42");
            var elapsed = Stopwatch.GetElapsedTime(started);
            if (!found.Found)
            {
                throw new InvalidOperationException("The L2 read missed: is Redis at " + redis + " reachable?");
            }

            if (i >= WarmUp)
            {
                samples[i - WarmUp] = elapsed.TotalMicroseconds;
            }
        }

        Array.Sort(samples);
        var stats = cacheReader.GetStats();
        await Console.Error.WriteLineAsync($"cache.l2_hit: {Measured} reads of a 1 KiB value, {stats.L2Hits} L2 hits, {stats.L2Misses} misses, {stats.Errors} errors.");
        new Figure("cache.l2_hit.p50", Math.Round(samples[Measured / 2], 1), "us").Print();
        new Figure("cache.l2_hit.p99", Math.Round(samples[(int)(Measured * 0.99)], 1), "us").Print();
    }

    private static async Task RunStampedeAsync()
    {
        await using var services = Node(redis: null, prefix: null);
        var cache = services.GetRequiredService<IAllixiosCache>();
        var runs = 0;
        using var start = new ManualResetEventSlim();
        const int Callers = 1000;

        // Every caller waits on one signal, so that all 1,000 ask for the missing key at the same moment; the factory
        // stands for a 50 ms backend call.
        var callers = Enumerable.Range(0, Callers).Select(_ => Task.Run(async () =>
        {
            start.Wait();
            return await cache.GetOrCreateAsync("report:2025", async ct =>
            {
                Interlocked.Increment(ref runs);
                await Task.Delay(50, ct);
                return "the report";
            });
        })).ToArray();
        await Task.Delay(200);
        var started = Stopwatch.GetTimestamp();
        start.Set();
        var values = await Task.WhenAll(callers);
        var elapsed = Stopwatch.GetElapsedTime(started);
        if (values.Any(v => v != "the report"))
        {
            throw new InvalidOperationException("A caller got a wrong value.");
        }

        var stats = cache.GetStats();
        await Console.Error.WriteLineAsync($"cache.stampede: {Callers} callers, {runs} factory run(s), {stats.StampedeJoins} joined a run under way, {stats.L1Hits} found it in memory.");
        new Figure("cache.stampede.factory_runs", runs, "runs").Print();
        new Figure("cache.stampede.total", Math.Round(elapsed.TotalMilliseconds, 1), "ms").Print();
    }

    private static ServiceProvider Node(string? redis, string? prefix)
    {
        var services = new ServiceCollection();
        var builder = services.AddAllixios();
        if (redis is not null)
        {
            builder.UseRedis(redis);
        }

        builder.AddCaching(o => o.RedisPrefix = prefix ?? o.RedisPrefix);
        return services.BuildServiceProvider();
    }
}

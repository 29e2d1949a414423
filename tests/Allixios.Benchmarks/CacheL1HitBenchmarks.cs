using Allixios.Caching;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.DependencyInjection;

namespace Allixios.Benchmarks;

/// <summary>
/// A memory (L1) hit of <see cref="IAllixiosCache"/> next to a hit of a raw <see cref="HybridCache"/> in the same
/// process, for the same immutable value, each through its allocation-free state overload.
/// </summary>
[MemoryDiagnoser]
public class CacheL1HitBenchmarks
{
    private const string Key = "content:42";

    private ServiceProvider? _allixiosServices;
    private ServiceProvider? _hybridServices;
    private IAllixiosCache _cache = null!;
    private HybridCache _hybrid = null!;

    [GlobalSetup]
    public void Setup()
    {
        var allixios = new ServiceCollection();
        allixios.AddAllixios().AddCaching();
        _allixiosServices = allixios.BuildServiceProvider();
        _cache = _allixiosServices.GetRequiredService<IAllixiosCache>();
        _cache.SetAsync(Key, "cached body").AsTask().GetAwaiter().GetResult();

        var hybrid = new ServiceCollection();
        hybrid.AddHybridCache();
        _hybridServices = hybrid.BuildServiceProvider();
        _hybrid = _hybridServices.GetRequiredService<HybridCache>();
        _hybrid.SetAsync(Key, "cached body").AsTask().GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _allixiosServices?.Dispose();
        _hybridServices?.Dispose();
    }

    [Benchmark(Baseline = true)]
    public string HybridCacheHit() =>
        Hit(_hybrid.GetOrCreateAsync(Key, 0, static (_, _) => ValueTask.FromResult("made"), null, null, CancellationToken.None));

    [Benchmark]
    public string AllixiosCacheHit() =>
        Hit(_cache.GetOrCreateAsync(Key, 0, static (_, _) => ValueTask.FromResult("made"), null, CancellationToken.None));

    // A memory hit completes synchronously on both; anything else would not measure a hit.
    private static string Hit(ValueTask<string> lookup) =>
        lookup.IsCompletedSuccessfully ? lookup.Result : throw new InvalidOperationException("Not a synchronous memory hit.");
}

using System.Diagnostics.Metrics;

namespace Allixios.Caching;

/// <summary>
/// One cache's hits per level, and the source of the <c>allixios.cache.hits</c> metric for all of them. The metric is
/// observed (read when a collector asks) rather than added to on every hit: a counter measurement with a tag costs more
/// than the memory hit it would count once a listener is enabled.
/// </summary>
internal sealed class CacheHitCounts
{
    private static readonly Lock Gate = new();
    private static readonly HashSet<CacheHitCounts> Live = [];

    // Hits of caches disposed since the process started, so that the cumulative metric never goes down.
    private static long s_retiredL1;
    private static long s_retiredL2;

    private readonly PerThreadCounter _l1 = new();
    private long _l2;

    private CacheHitCounts()
    {
    }

    public long L1 => _l1.Read();

    public long L2 => Interlocked.Read(ref _l2);

    /// <summary>New counts, included in the metric until <see cref="Retire"/>.</summary>
    public static CacheHitCounts Register()
    {
        var counts = new CacheHitCounts();
        lock (Gate)
        {
            Live.Add(counts);
        }

        return counts;
    }

    /// <summary>The metric's measurements: every cache's hits, live or disposed, by level.</summary>
    public static IEnumerable<Measurement<long>> Observe()
    {
        long l1, l2;
        lock (Gate)
        {
            l1 = s_retiredL1;
            l2 = s_retiredL2;
            foreach (var counts in Live)
            {
                l1 += counts.L1;
                l2 += counts.L2;
            }
        }

        return
        [
            new Measurement<long>(l1, new KeyValuePair<string, object?>("level", "l1")),
            new Measurement<long>(l2, new KeyValuePair<string, object?>("level", "l2")),
        ];
    }

    public void HitL1() => _l1.Increment();

    public void HitL2() => Interlocked.Increment(ref _l2);

    /// <summary>Stops observing these counts live; what they counted stays in the metric.</summary>
    public void Retire()
    {
        lock (Gate)
        {
            if (Live.Remove(this))
            {
                s_retiredL1 += L1;
                s_retiredL2 += L2;
            }
        }
    }
}

namespace Allixios.Caching;

/// <summary>
/// Wall-clock milliseconds for the cache's freshness checks, read on every hit. Reading the system clock costs about as
/// much as a third of a memory hit, so with <see cref="TimeProvider.System"/> the clock is read once a second and
/// advanced in between by <see cref="Environment.TickCount64"/>, which is a few nanoseconds; an entry may then be served
/// a few milliseconds (one tick of the coarse counter) past its expiry. Any other provider (a fake one in tests) is
/// read every time.
/// </summary>
internal sealed class CacheClock(TimeProvider time)
{
    private const long ResyncMilliseconds = 1000;

    private readonly bool _interpolate = ReferenceEquals(time, TimeProvider.System);
    private Anchor? _anchor;

    public long NowMilliseconds()
    {
        if (!_interpolate)
        {
            return time.GetUtcNow().ToUnixTimeMilliseconds();
        }

        var tick = Environment.TickCount64;
        var anchor = Volatile.Read(ref _anchor);
        if (anchor is not null && tick - anchor.Tick < ResyncMilliseconds)
        {
            return anchor.UnixMilliseconds + (tick - anchor.Tick);
        }

        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        Volatile.Write(ref _anchor, new Anchor(tick, now));
        return now;
    }

    private sealed record Anchor(long Tick, long UnixMilliseconds);
}

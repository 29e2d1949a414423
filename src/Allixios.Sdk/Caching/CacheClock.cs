namespace Allixios.Caching;

/// <summary>
/// Wall-clock milliseconds for the cache's freshness checks. Reading the system clock costs about as much as a third
/// of a memory hit, so with <see cref="TimeProvider.System"/> the clock is read once a second and advanced in between by
/// <see cref="Environment.TickCount64"/>; an entry may then be served a few milliseconds (one tick of the coarse counter)
/// past its expiry. Any other provider (a fake one in tests) is read every time.
/// </summary>
/// <remarks>
/// The memory-hit path reads <see cref="HitNowMilliseconds"/> instead: a field that a timer sets every
/// <see cref="TickPeriod"/> while hits come in, so that a hit reads no clock at all (even the tick count is a call into
/// the operating system that costs a tenth of the hit). The timer stops after <see cref="IdleTicksBeforeStop"/> ticks
/// without a hit, and the next hit starts it again, so an idle cache costs nothing. A timer that fires late (the machine
/// is starved of CPU) lets an entry be served from memory for as much longer; invalidations do not depend on the clock.
/// </remarks>
internal sealed class CacheClock : IDisposable
{
    /// <summary>How often the hit path's clock is refreshed: about the tick of the coarse counter.</summary>
    public static readonly TimeSpan TickPeriod = TimeSpan.FromMilliseconds(4);

    /// <summary>Ticks without a hit after which the timer stops: about a second.</summary>
    public const int IdleTicksBeforeStop = 250;

    private const long ResyncMilliseconds = 1000;

    private readonly TimeProvider _time;
    private readonly Func<long> _hits;
    private readonly bool _interpolate;
    private readonly Lock _gate = new();
    private Anchor? _anchor;
    private ITimer? _timer;
    private long _hitNow;
    private long _lastHits;
    private int _idleTicks;
    private bool _disposed;

    /// <param name="time">The clock to follow.</param>
    /// <param name="hits">How many memory hits there have been so far: the timer stops once it no longer grows.</param>
    public CacheClock(TimeProvider time, Func<long>? hits = null)
    {
        _time = time;
        _hits = hits ?? (static () => 0);
        _interpolate = ReferenceEquals(time, TimeProvider.System);
    }

    /// <summary>Whether the hit path's clock is being refreshed by its timer now.</summary>
    public bool IsTicking => Volatile.Read(ref _hitNow) != 0;

    public long NowMilliseconds()
    {
        if (!_interpolate)
        {
            return _time.GetUtcNow().ToUnixTimeMilliseconds();
        }

        var tick = Environment.TickCount64;
        var anchor = Volatile.Read(ref _anchor);
        if (anchor is not null && tick - anchor.Tick < ResyncMilliseconds)
        {
            return anchor.UnixMilliseconds + (tick - anchor.Tick);
        }

        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        Volatile.Write(ref _anchor, new Anchor(tick, now));
        return now;
    }

    /// <summary>The clock for the memory-hit path: at most about one <see cref="TickPeriod"/> behind <see cref="NowMilliseconds"/>.</summary>
    public long HitNowMilliseconds()
    {
        var now = Volatile.Read(ref _hitNow);
        return now != 0 ? now : Start();
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            Volatile.Write(ref _hitNow, 0);
            _timer?.Dispose();
            _timer = null;
        }
    }

    private long Start()
    {
        if (!_interpolate)
        {
            // A fake clock moves when the test says so, not with a timer: read it every time.
            return NowMilliseconds();
        }

        lock (_gate)
        {
            var now = NowMilliseconds();
            if (_disposed || Volatile.Read(ref _hitNow) != 0)
            {
                return now;
            }

            _lastHits = _hits();
            _idleTicks = 0;
            Volatile.Write(ref _hitNow, now);
            _timer ??= _time.CreateTimer(static s => ((CacheClock)s!).OnTick(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _timer.Change(TickPeriod, TickPeriod);
            return now;
        }
    }

    private void OnTick()
    {
        lock (_gate)
        {
            if (_disposed || Volatile.Read(ref _hitNow) == 0)
            {
                return;
            }

            var hits = _hits();
            if (hits != _lastHits)
            {
                _lastHits = hits;
                _idleTicks = 0;
            }
            else if (++_idleTicks >= IdleTicksBeforeStop)
            {
                // Idle: stop, and let the next hit read the clock itself and start the timer again.
                Volatile.Write(ref _hitNow, 0);
                _timer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
                return;
            }

            Volatile.Write(ref _hitNow, NowMilliseconds());
        }
    }

    private sealed record Anchor(long Tick, long UnixMilliseconds);
}

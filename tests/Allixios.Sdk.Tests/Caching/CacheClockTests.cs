using Allixios.Caching;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Allixios.Sdk.Tests.Caching;

public sealed class CacheClockTests
{
    [Fact]
    public void A_provider_other_than_the_system_clock_is_read_every_time()
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(1_000_000));
        var clock = new CacheClock(time);
        Assert.Equal(1_000_000, clock.NowMilliseconds());

        time.Advance(TimeSpan.FromMilliseconds(7));

        Assert.Equal(1_000_007, clock.NowMilliseconds());
    }

    [Fact]
    public void The_system_clock_is_followed_to_within_the_coarse_tick()
    {
        var clock = new CacheClock(TimeProvider.System);
        clock.NowMilliseconds();

        // The second reading is interpolated from the first with the tick count.
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var now = clock.NowMilliseconds();
        var after = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        // The tick count behind the interpolation advances in steps of up to ~16 ms, depending on the platform.
        Assert.InRange(now, before - 20, after + 20);
    }

    [Fact]
    public void The_hit_clock_of_a_provider_other_than_the_system_clock_is_read_every_time()
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(1_000_000));
        using var clock = new CacheClock(time);
        Assert.Equal(1_000_000, clock.HitNowMilliseconds());

        time.Advance(TimeSpan.FromMilliseconds(7));

        Assert.Equal(1_000_007, clock.HitNowMilliseconds());
        Assert.False(clock.IsTicking);
    }

    [Fact]
    public async Task The_hit_clock_follows_the_system_clock_while_hits_come_in_and_stops_when_they_do_not()
    {
        long hits = 0;
        using var clock = new CacheClock(TimeProvider.System, () => Interlocked.Read(ref hits));
        Assert.False(clock.IsTicking);

        clock.HitNowMilliseconds();
        Assert.True(clock.IsTicking);

        // While hits come in, the timer keeps the reading within a tick or two of the real clock (more when the machine
        // is busy, hence the wide bound), and it moves.
        var first = clock.HitNowMilliseconds();
        for (var i = 0; i < 10; i++)
        {
            Interlocked.Increment(ref hits);
            await Task.Delay(20);
        }

        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var reading = clock.HitNowMilliseconds();
        Assert.True(reading > first, "The hit clock did not advance while hits came in.");
        Assert.InRange(reading, now - 500, now + 20);

        // No hits for longer than the idle limit: the timer stops.
        var idle = CacheClock.TickPeriod * CacheClock.IdleTicksBeforeStop;
        var deadline = DateTime.UtcNow + (idle * 10);
        while (clock.IsTicking && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.False(clock.IsTicking);

        // The next hit reads the clock itself and starts it again.
        now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        Assert.InRange(clock.HitNowMilliseconds(), now - 20, now + 20);
        Assert.True(clock.IsTicking);
    }

    [Fact]
    public void A_disposed_hit_clock_no_longer_ticks_but_still_tells_the_time()
    {
        var clock = new CacheClock(TimeProvider.System);
        clock.HitNowMilliseconds();

        clock.Dispose();

        Assert.False(clock.IsTicking);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        Assert.InRange(clock.HitNowMilliseconds(), now - 20, now + 20);
    }
}

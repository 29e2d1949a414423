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
}

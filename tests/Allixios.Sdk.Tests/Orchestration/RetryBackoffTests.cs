using Allixios.Orchestration;
using Xunit;

namespace Allixios.Sdk.Tests.Orchestration;

public sealed class RetryBackoffTests
{
    private static readonly TimeSpan Base = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Max = TimeSpan.FromMinutes(1);

    [Theory]
    [InlineData(1, 1, 2)]
    [InlineData(2, 2, 4)]
    [InlineData(3, 4, 8)]
    [InlineData(4, 8, 16)]
    public void The_delay_doubles_with_each_attempt_and_jitter_spreads_it_over_the_upper_half(int attempt, int lowestSeconds, int highestSeconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(lowestSeconds), RetryBackoff.Delay(attempt, Base, Max, random: 0));
        Assert.Equal(TimeSpan.FromSeconds(highestSeconds), RetryBackoff.Delay(attempt, Base, Max, random: 1));
        var middle = RetryBackoff.Delay(attempt, Base, Max, random: 0.5);
        Assert.True(middle > TimeSpan.FromSeconds(lowestSeconds) && middle < TimeSpan.FromSeconds(highestSeconds));
    }

    [Fact]
    public void The_delay_never_exceeds_the_maximum_however_many_attempts()
    {
        Assert.Equal(Max, RetryBackoff.Delay(10, Base, Max, random: 1));
        Assert.Equal(Max, RetryBackoff.Delay(int.MaxValue, Base, Max, random: 1));
        Assert.Equal(Max / 2, RetryBackoff.Delay(1000, Base, Max, random: 0));
    }
}

using Allixios.Caching;
using Xunit;

namespace Allixios.Sdk.Tests.Caching;

public sealed class StripedCounterTests
{
    [Fact]
    public void Increments_from_one_thread_add_up_exactly()
    {
        var counter = new StripedCounter();

        for (var i = 0; i < 1000; i++)
        {
            counter.Increment();
        }

        Assert.Equal(1000, counter.Read());
    }

    [Fact]
    public async Task Increments_from_many_threads_are_all_counted_when_they_do_not_collide()
    {
        var counter = new StripedCounter();

        // One increment per task, awaited one after another: threads differ, but never increment at the same instant.
        for (var i = 0; i < 100; i++)
        {
            await Task.Run(counter.Increment);
        }

        Assert.Equal(100, counter.Read());
    }
}

using Allixios.Caching;
using Xunit;

namespace Allixios.Sdk.Tests.Caching;

public sealed class PerThreadCounterTests
{
    [Fact]
    public void Increments_from_one_thread_add_up_exactly()
    {
        var counter = new PerThreadCounter();

        for (var i = 0; i < 1000; i++)
        {
            counter.Increment();
        }

        Assert.Equal(1000, counter.Read());
    }

    [Fact]
    public void Increments_from_many_threads_at_the_same_time_are_all_counted()
    {
        var counter = new PerThreadCounter();
        using var start = new ManualResetEventSlim();
        var threads = Enumerable.Range(0, 8).Select(_ => new Thread(() =>
        {
            start.Wait();
            for (var i = 0; i < 100_000; i++)
            {
                counter.Increment();
            }
        })).ToList();
        threads.ForEach(t => t.Start());

        start.Set();
        threads.ForEach(t => t.Join());

        Assert.Equal(800_000, counter.Read());
    }

    [Fact]
    public void Two_counters_used_in_turn_by_one_thread_each_keep_their_own_count()
    {
        var first = new PerThreadCounter();
        var second = new PerThreadCounter();

        for (var i = 0; i < 10; i++)
        {
            first.Increment();
            second.Increment();
            second.Increment();
        }

        Assert.Equal(10, first.Read());
        Assert.Equal(20, second.Read());
    }

    [Fact]
    public async Task Counts_of_threads_that_have_ended_are_kept()
    {
        var counter = new PerThreadCounter();

        for (var i = 0; i < 20; i++)
        {
            var thread = new Thread(() => counter.Increment());
            thread.Start();
            thread.Join();
            await Task.Yield();
        }

        Assert.Equal(20, counter.Read());
    }
}

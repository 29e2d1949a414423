using Allixios.Caching;
using Xunit;

namespace Allixios.Sdk.Tests.Caching;

public sealed class StampedeTests
{
    [Fact]
    public async Task A_thousand_concurrent_callers_of_a_missing_key_run_the_factory_once()
    {
        await using var test = new TestCache();
        var factory = new CountingFactory { Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };

        var calls = Enumerable.Range(0, 1000)
            .Select(_ => Task.Run(() => test.Cache.GetOrCreateAsync("content:42", factory.RunAsync).AsTask()))
            .ToArray();

        // Release the factory only once every caller is waiting on it, so none can arrive after it finished.
        await TestCache.EventuallyAsync(() => test.Cache.GetStats().StampedeJoins == 999, "all 999 other callers joined the run");
        factory.Gate.SetResult();
        var values = await Task.WhenAll(calls);

        Assert.Equal(1, factory.Runs);
        Assert.All(values, v => Assert.Equal("value-1", v));
    }

    [Fact]
    public async Task When_the_one_factory_run_fails_every_waiting_caller_gets_the_error()
    {
        await using var test = new TestCache();
        var factory = new CountingFactory { Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), Failure = new InvalidOperationException("boom") };

        var calls = Enumerable.Range(0, 10).Select(_ => test.Cache.GetOrCreateAsync("content:42", factory.RunAsync).AsTask()).ToArray();
        await TestCache.EventuallyAsync(() => test.Cache.GetStats().StampedeJoins == 9, "the other callers joined");
        factory.Gate.SetResult();

        foreach (var call in calls)
        {
            await Assert.ThrowsAsync<InvalidOperationException>(() => call);
        }

        Assert.Equal(1, factory.Runs);
    }

    [Fact]
    public async Task A_hit_late_in_the_lifetime_refreshes_the_entry_in_the_background()
    {
        await using var test = new TestCache();
        var factory = new CountingFactory();
        var options = new AllixiosCacheEntryOptions { Expiration = TimeSpan.FromSeconds(10), EagerRefreshThreshold = 0.8 };
        await test.Cache.GetOrCreateAsync("content:42", factory.RunAsync, options);

        test.Time.Advance(TimeSpan.FromSeconds(7));
        Assert.Equal("value-1", await test.Cache.GetOrCreateAsync("content:42", factory.RunAsync, options));
        Assert.Equal(1, factory.Runs);

        test.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("value-1", await test.Cache.GetOrCreateAsync("content:42", factory.RunAsync, options));
        await TestCache.EventuallyAsync(() => test.Cache.TryGetAsync<string>("content:42").AsTask().Result.Value == "value-2", "the refreshed value was stored");

        // The refreshed entry lives a full lifetime from its refresh: past the old expiry it is still served.
        test.Time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal("value-2", await test.Cache.GetOrCreateAsync("content:42", factory.RunAsync, options));
        Assert.Equal(1, test.Cache.GetStats().EagerRefreshes);
    }
}

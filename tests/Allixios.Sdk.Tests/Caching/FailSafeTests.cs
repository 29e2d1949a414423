using Allixios.Caching;
using Xunit;

namespace Allixios.Sdk.Tests.Caching;

public sealed class FailSafeTests
{
    private static readonly AllixiosCacheEntryOptions Options = new()
    {
        Expiration = TimeSpan.FromSeconds(10),
        MaxStaleness = TimeSpan.FromMinutes(1),
    };

    [Fact]
    public async Task When_the_factory_throws_the_expired_value_is_served_within_the_max_staleness()
    {
        await using var test = new TestCache();
        var factory = new CountingFactory();
        await test.Cache.GetOrCreateAsync("content:42", factory.RunAsync, Options);
        test.Time.Advance(TimeSpan.FromSeconds(30));
        factory.Failure = new HttpRequestException("the CMS is down");

        var value = await test.Cache.GetOrCreateAsync("content:42", factory.RunAsync, Options);

        Assert.Equal("value-1", value);
        Assert.Equal(1, test.Cache.GetStats().StaleServed);
        Assert.Equal(1, test.Cache.GetStats().Errors);
    }

    [Fact]
    public async Task After_serving_a_stale_value_the_failing_factory_is_left_alone_for_the_throttle_time()
    {
        await using var test = new TestCache(o => o.FailSafeThrottle = TimeSpan.FromSeconds(5));
        var factory = new CountingFactory();
        await test.Cache.GetOrCreateAsync("content:42", factory.RunAsync, Options);
        test.Time.Advance(TimeSpan.FromSeconds(30));
        factory.Failure = new HttpRequestException("the CMS is down");
        await test.Cache.GetOrCreateAsync("content:42", factory.RunAsync, Options);

        test.Time.Advance(TimeSpan.FromSeconds(4));
        Assert.Equal("value-1", await test.Cache.GetOrCreateAsync("content:42", factory.RunAsync, Options));
        Assert.Equal(2, factory.Runs);

        test.Time.Advance(TimeSpan.FromSeconds(1));
        factory.Failure = null;
        Assert.Equal("value-3", await test.Cache.GetOrCreateAsync("content:42", factory.RunAsync, Options));
    }

    [Fact]
    public async Task Past_the_max_staleness_the_factory_error_reaches_the_caller()
    {
        await using var test = new TestCache();
        var factory = new CountingFactory();
        await test.Cache.GetOrCreateAsync("content:42", factory.RunAsync, Options);
        test.Time.Advance(TimeSpan.FromSeconds(10) + TimeSpan.FromMinutes(1) + TimeSpan.FromMilliseconds(1));
        factory.Failure = new HttpRequestException("the CMS is down");

        await Assert.ThrowsAsync<HttpRequestException>(async () => await test.Cache.GetOrCreateAsync("content:42", factory.RunAsync, Options));
        Assert.Equal(0, test.Cache.GetStats().StaleServed);
    }

    [Fact]
    public async Task With_fail_safe_off_the_factory_error_reaches_the_caller()
    {
        await using var test = new TestCache();
        var factory = new CountingFactory();
        var noFailSafe = new AllixiosCacheEntryOptions { Expiration = TimeSpan.FromSeconds(10), MaxStaleness = TimeSpan.Zero };
        await test.Cache.GetOrCreateAsync("content:42", factory.RunAsync, noFailSafe);
        test.Time.Advance(TimeSpan.FromSeconds(11));
        factory.Failure = new HttpRequestException("the CMS is down");

        await Assert.ThrowsAsync<HttpRequestException>(async () => await test.Cache.GetOrCreateAsync("content:42", factory.RunAsync, noFailSafe));
    }

    [Fact]
    public async Task A_factory_past_its_hard_timeout_is_cancelled_and_the_stale_value_served()
    {
        await using var test = new TestCache();
        var factory = new CountingFactory();
        var options = new AllixiosCacheEntryOptions { Expiration = TimeSpan.FromSeconds(10), MaxStaleness = TimeSpan.FromMinutes(1), FactoryHardTimeout = TimeSpan.FromSeconds(2) };
        await test.Cache.GetOrCreateAsync("content:42", factory.RunAsync, options);
        test.Time.Advance(TimeSpan.FromSeconds(11));
        factory.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        factory.ResetStarted();

        var call = test.Cache.GetOrCreateAsync("content:42", factory.RunAsync, options).AsTask();
        await factory.Started.Task.WaitAsync(TimeSpan.FromSeconds(30));
        test.Time.Advance(TimeSpan.FromSeconds(2));

        Assert.Equal("value-1", await call.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(1, test.Cache.GetStats().StaleServed);
    }

    [Fact]
    public async Task A_factory_past_its_hard_timeout_without_a_stale_value_fails_with_a_timeout()
    {
        await using var test = new TestCache();
        var factory = new CountingFactory { Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };
        var options = new AllixiosCacheEntryOptions { FactoryHardTimeout = TimeSpan.FromSeconds(2) };

        var call = test.Cache.GetOrCreateAsync("content:42", factory.RunAsync, options).AsTask();
        await factory.Started.Task.WaitAsync(TimeSpan.FromSeconds(30));
        test.Time.Advance(TimeSpan.FromSeconds(2));

        var error = await Assert.ThrowsAsync<TimeoutException>(() => call.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("content:42", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_slow_factory_past_its_soft_timeout_gives_the_stale_value_and_its_result_lands_later()
    {
        await using var test = new TestCache();
        var factory = new CountingFactory();
        var options = new AllixiosCacheEntryOptions { Expiration = TimeSpan.FromSeconds(10), MaxStaleness = TimeSpan.FromMinutes(1), FactorySoftTimeout = TimeSpan.FromMilliseconds(100) };
        await test.Cache.GetOrCreateAsync("content:42", factory.RunAsync, options);
        test.Time.Advance(TimeSpan.FromSeconds(11));
        factory.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        factory.ResetStarted();

        var call = test.Cache.GetOrCreateAsync("content:42", factory.RunAsync, options).AsTask();
        await factory.Started.Task.WaitAsync(TimeSpan.FromSeconds(30));
        test.Time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.Equal("value-1", await call.WaitAsync(TimeSpan.FromSeconds(30)));

        factory.Gate.SetResult();
        await TestCache.EventuallyAsync(() => test.Cache.TryGetAsync<string>("content:42").AsTask().Result.Value == "value-2", "the background run stored its value");
        Assert.Equal(2, factory.Runs);
    }
}

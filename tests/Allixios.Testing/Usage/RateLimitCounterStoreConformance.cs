using System.Threading.RateLimiting;
using Allixios.Usage;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Allixios.Testing.Usage;

/// <summary>The contract of <see cref="IRateLimitCounterStore"/> and of <see cref="WindowRateLimiter"/> over it; derive once per implementation.</summary>
public abstract class RateLimitCounterStoreConformance : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2025, 3, 14, 12, 0, 30, TimeSpan.Zero);
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    private IRateLimitCounterStore? _store;

    /// <summary>The store under test.</summary>
    protected IRateLimitCounterStore Store => _store ?? throw new InvalidOperationException("The store is created in InitializeAsync.");

    /// <summary>A counter name no other test uses.</summary>
    protected string Key { get; } = "test-" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>Creates the store under test.</summary>
    protected abstract Task<IRateLimitCounterStore> CreateStoreAsync();

    /// <inheritdoc />
    public async Task InitializeAsync() => _store = await CreateStoreAsync();

    /// <inheritdoc />
    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Amounts_are_counted_up_to_the_limit_and_one_that_does_not_fit_counts_nothing()
    {
        var window = T0.AddSeconds(-30);

        var a = await Store.TryAddAsync(Key, 6, 10, window, Minute);
        var b = await Store.TryAddAsync(Key, 5, 10, window, Minute);
        var c = await Store.TryAddAsync(Key, 4, 10, window, Minute);
        var d = Store.TryAdd(Key, 1, 10, window, Minute);
        var peek = await Store.TryAddAsync(Key, 0, 10, window, Minute);

        Assert.Equal(new RateLimitCount(true, 6), a);
        Assert.Equal(new RateLimitCount(false, 6), b);
        Assert.Equal(new RateLimitCount(true, 10), c);
        Assert.Equal(new RateLimitCount(false, 10), d);
        Assert.Equal(new RateLimitCount(true, 10), peek);
    }

    [Fact]
    public async Task The_next_window_starts_from_zero()
    {
        var window = T0.AddSeconds(-30);
        await Store.TryAddAsync(Key, 10, 10, window, Minute);

        var next = await Store.TryAddAsync(Key, 10, 10, window + Minute, Minute);

        Assert.True(next.Acquired);
        Assert.False((await Store.TryAddAsync(Key, 1, 10, window + Minute, Minute)).Acquired);
    }

    [Fact]
    public async Task Concurrent_adds_never_count_more_than_the_limit()
    {
        var window = T0.AddSeconds(-30);

        var results = await Task.WhenAll(Enumerable.Range(0, 60).Select(_ => Task.Run(async () => await Store.TryAddAsync(Key, 1, 25, window, Minute))));

        Assert.Equal(25, results.Count(r => r.Acquired));
    }

    [Fact]
    public async Task A_window_limiter_grants_its_permits_then_refuses_with_the_time_until_the_window_ends()
    {
        var time = new FakeTimeProvider(T0);
        using var limiter = new WindowRateLimiter(Store, Key, 3, Minute, time);

        var leases = new List<RateLimitLease>();
        for (var i = 0; i < 3; i++)
        {
            leases.Add(await limiter.AcquireAsync(1));
        }

        using var refused = await limiter.AcquireAsync(1);
        using var sync = limiter.AttemptAcquire(1);
        time.Advance(TimeSpan.FromSeconds(30));
        using var nextWindow = await limiter.AcquireAsync(1);

        Assert.All(leases, l => Assert.True(l.IsAcquired));
        Assert.False(refused.IsAcquired);
        Assert.False(sync.IsAcquired);
        Assert.True(refused.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter));
        Assert.Equal(TimeSpan.FromSeconds(30), retryAfter);
        Assert.True(refused.TryGetMetadata(MetadataName.ReasonPhrase, out var reason));
        Assert.Contains("allows 3 per", reason, StringComparison.Ordinal);
        Assert.True(nextWindow.IsAcquired);
        Assert.Throws<ArgumentOutOfRangeException>(() => limiter.AttemptAcquire(4));
    }
}

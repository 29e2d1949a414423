using Allixios.Caching;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using Xunit;

namespace Allixios.IntegrationTests.Caching;

/// <summary>
/// One cache "node": a service provider of its own with <c>AddAllixios().UseRedis(…).AddCaching(…)</c>, as one runtime
/// replica has. Several nodes in one process share nothing but Redis.
/// </summary>
internal sealed class CacheNode : IAsyncDisposable
{
    private readonly ServiceProvider _provider;

    public CacheNode(string redisConfiguration, string prefix, Action<AllixiosCacheOptions>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddAllixios().UseRedis(redisConfiguration).AddCaching(o =>
        {
            o.RedisPrefix = prefix;
            configure?.Invoke(o);
        });
        _provider = services.BuildServiceProvider();
        Cache = _provider.GetRequiredService<IAllixiosCache>();
        Redis = _provider.GetRequiredService<IConnectionMultiplexer>();
    }

    public IAllixiosCache Cache { get; }

    public IConnectionMultiplexer Redis { get; }

    public ValueTask DisposeAsync() => _provider.DisposeAsync();

    /// <summary>Polls <paramref name="condition"/> until it holds; fails after a generous bound. Returns how long it took.</summary>
    public static async Task<TimeSpan> EventuallyAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var started = DateTime.UtcNow;
        var deadline = started + (timeout ?? TimeSpan.FromSeconds(20));
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "Timed out waiting until " + what);
            await Task.Delay(2);
        }

        return DateTime.UtcNow - started;
    }
}

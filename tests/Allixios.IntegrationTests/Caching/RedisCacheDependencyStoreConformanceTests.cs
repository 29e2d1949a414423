using Allixios.Caching;
using Allixios.Testing.Caching;
using StackExchange.Redis;

namespace Allixios.IntegrationTests.Caching;

// The Redis tag and dependency state against the suite the in-memory store also passes; each test has a prefix of its own.
public sealed class RedisCacheDependencyStoreConformanceTests : CacheDependencyStoreConformance
{
    private ConnectionMultiplexer? _redis;

    protected override async Task<ICacheDependencyStore> CreateStoreAsync()
    {
        _redis = await ConnectionMultiplexer.ConnectAsync(TestRedis.Configuration);
        return new RedisCacheDependencyStore(_redis, TestRedis.UniquePrefix());
    }

    public override async Task DisposeAsync()
    {
        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }
    }
}

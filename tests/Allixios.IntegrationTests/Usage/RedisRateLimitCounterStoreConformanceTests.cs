using Allixios.IntegrationTests.Caching;
using Allixios.Testing.Usage;
using Allixios.Usage;
using StackExchange.Redis;

namespace Allixios.IntegrationTests.Usage;

// The Redis counters against the conformance suite that the in-memory and PostgreSQL counters also pass.
public sealed class RedisRateLimitCounterStoreConformanceTests : RateLimitCounterStoreConformance, IDisposable
{
    private readonly ConnectionMultiplexer _redis = ConnectionMultiplexer.Connect(TestRedis.Configuration);

    public void Dispose() => _redis.Dispose();

    protected override Task<IRateLimitCounterStore> CreateStoreAsync() =>
        Task.FromResult<IRateLimitCounterStore>(new RedisRateLimitCounterStore(_redis, TestRedis.UniquePrefix()));
}

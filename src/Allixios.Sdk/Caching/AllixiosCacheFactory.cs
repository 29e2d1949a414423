using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Allixios.Caching;

/// <summary>Builds the cache for <c>AddCaching</c>: memory only, or memory over Redis with the backplane when Redis is registered.</summary>
internal static class AllixiosCacheFactory
{
    public static AllixiosCache Create(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<AllixiosCacheOptions>>().Value;
        var time = services.GetRequiredService<TimeProvider>();
        var loggers = services.GetRequiredService<ILoggerFactory>();
        var logger = loggers.CreateLogger<AllixiosCache>();
        var errors = new CacheErrorReporter(logger, time, options.ErrorLogInterval);
        var redis = services.GetService<IConnectionMultiplexer>();
        var store = services.GetRequiredService<ICacheDependencyStore>();

        // A HybridCache of our own, not the application's: its memory and Redis keys are ours alone, and an
        // IDistributedCache the application registers for itself does not become our L2 by accident.
        var inner = new ServiceCollection();
        inner.AddSingleton(time);
        inner.AddSingleton(loggers);
        ResilientDistributedCache? l2 = null;
        if (redis is not null)
        {
            // The multiplexer is the one UseRedis registered; the container that made it disposes it, not RedisCache.
            var redisCache = new RedisCache(Options.Create(new RedisCacheOptions
            {
                ConnectionMultiplexerFactory = () => Task.FromResult(redis),
                InstanceName = options.RedisPrefix + "l2:",
            }));
            l2 = new ResilientDistributedCache(redisCache, redis, errors, time, options.DistributedTimeout);
            inner.AddSingleton<IDistributedCache>(l2);
        }

        inner.AddHybridCache(o =>
        {
            // The cache checks key and value sizes itself and fails the call; HybridCache would only log and skip.
            o.MaximumKeyLength = 1024;
            o.MaximumPayloadBytes = options.MaxValueBytes + (64 * 1024);
        });
        var innerProvider = inner.BuildServiceProvider();
        var backplane = redis is null ? null : new RedisCacheBackplane(redis, options.RedisPrefix, Guid.NewGuid().ToString("N"));
        var cache = new AllixiosCache(
            innerProvider.GetRequiredService<HybridCache>(),
            l2,
            store,
            backplane,
            redis,
            options,
            time,
            logger,
            errors,
            innerProvider);
        var subscribing = cache.StartAsync();
        if (redis?.IsConnected == true)
        {
            // Connected: subscribe before the first call, so that no invalidation is missed from the start. Otherwise
            // StackExchange.Redis makes the subscription once it connects, and the cache must not wait for that.
            subscribing.GetAwaiter().GetResult();
        }

        return cache;
    }
}

using Allixios;
using Allixios.Caching;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the multi-level cache to Allixios.</summary>
public static class AllixiosCachingBuilderExtensions
{
    /// <summary>
    /// Adds <see cref="IAllixiosCache"/>. Embedded default: memory only, with the tag and dependency state in memory.
    /// With <c>.UseRedis(…)</c> (before or after this call): Redis as the shared L2, the tag and dependency state in Redis,
    /// and a Redis pub/sub backplane that carries removals and invalidations to every node. Options are checked at start.
    /// Calling it again adds nothing twice but applies <paramref name="configure"/>.
    /// </summary>
    public static IAllixiosBuilder AddCaching(this IAllixiosBuilder builder, Action<AllixiosCacheOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var options = services.AddOptionsValidatedOnce<AllixiosCacheOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ICacheDependencyStore>(sp => sp.GetService<IConnectionMultiplexer>() is { } redis
            ? new RedisCacheDependencyStore(redis, sp.GetRequiredService<IOptions<AllixiosCacheOptions>>().Value.RedisPrefix)
            : new InMemoryCacheDependencyStore(sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IAllixiosCache>(AllixiosCacheFactory.Create);
        return builder;
    }
}

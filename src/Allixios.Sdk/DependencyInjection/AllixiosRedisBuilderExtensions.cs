using Allixios;
using Allixios.Caching;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Connects Allixios to Redis.</summary>
public static class AllixiosRedisBuilderExtensions
{
    /// <summary>
    /// Connects to Redis for the L2 cache, the invalidation backplane and shared counters: registers one
    /// <see cref="IConnectionMultiplexer"/> that keeps retrying in the background when Redis is down (it never fails
    /// the start), and adds a readiness check tagged <c>ready</c>.
    /// </summary>
    public static IAllixiosBuilder UseRedis(this IAllixiosBuilder builder, string configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(configuration);
        var services = builder.Services;
        services.AddOptionsValidatedOnce<RedisOptions>()
            .Configure(o => o.Configuration = configuration);
        services.TryAddSingleton<IConnectionMultiplexer>(sp =>
        {
            var options = ConfigurationOptions.Parse(sp.GetRequiredService<IOptions<RedisOptions>>().Value.Configuration);
            options.AbortOnConnectFail = false;
            return ConnectionMultiplexer.Connect(options);
        });
        if (!services.Any(s => s.ServiceType == typeof(RedisHealthCheck)))
        {
            services.AddSingleton<RedisHealthCheck>();
            services.AddHealthChecks().AddCheck<RedisHealthCheck>("redis", tags: ["ready"], timeout: TimeSpan.FromSeconds(5));
        }

        return builder;
    }
}

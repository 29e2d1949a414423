using Allixios;
using Allixios.Usage;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;
using StackExchange.Redis;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds budgets, the usage ledger and resource rate limits to Allixios.</summary>
public static class AllixiosUsageBuilderExtensions
{
    /// <summary>
    /// Adds <see cref="BudgetClient"/> (budgets: CRUD, reserve, settle, release) over an <see cref="IBudgetStore"/>, the
    /// <see cref="IUsageLedger"/>, and <see cref="ResourceRateLimits"/> over an <see cref="IRateLimitCounterStore"/>;
    /// PostgreSQL stores when <c>UsePostgres</c> is called and Redis counters when <c>UseRedis</c> is (in either order;
    /// see <see cref="UsageOptions.RateLimitStore"/>), else in memory. Also a hosted sweeper that frees reservations
    /// never settled, and <see cref="UsageLedgerRetention"/>, which deletes ledger entries older than the retention. <c>AddOrchestration</c> calls it. Calling it again adds nothing twice but applies <paramref name="configure"/>.
    /// </summary>
    public static IAllixiosBuilder AddUsage(this IAllixiosBuilder builder, Action<UsageOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var options = services.AddOptionsValidatedOnce<UsageOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        if (!services.Any(s => s.ServiceType == typeof(IValidateOptions<UsageOptions>) && s.ImplementationType == typeof(RateLimitOptionsValidation)))
        {
            services.AddSingleton<IValidateOptions<UsageOptions>, RateLimitOptionsValidation>();
        }

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IBudgetStore>(sp => sp.GetService<NpgsqlDataSource>() is { } dataSource
            ? new PostgresBudgetStore(dataSource, sp.GetRequiredService<TimeProvider>())
            : new InMemoryBudgetStore(sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IUsageLedger>(sp => sp.GetService<NpgsqlDataSource>() is { } dataSource
            ? new PostgresUsageLedger(dataSource)
            : new InMemoryUsageLedger(sp.GetRequiredService<IOptions<UsageOptions>>().Value.InMemoryLedgerCapacity));
        services.TryAddSingleton<IRateLimitCounterStore>(sp => CreateCounterStore(sp, sp.GetRequiredService<IOptions<UsageOptions>>().Value.RateLimitStore));
        services.TryAddSingleton<BudgetClient>();
        services.TryAddSingleton<ResourceRateLimits>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, BudgetReservationSweeper>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, UsageLedgerRetention>());
        return builder;
    }

    private static IRateLimitCounterStore CreateCounterStore(IServiceProvider services, string store)
    {
        var redis = services.GetService<IConnectionMultiplexer>();
        var postgres = services.GetService<NpgsqlDataSource>();
        return store switch
        {
            "redis" => new RedisRateLimitCounterStore(redis ?? throw new InvalidOperationException("Allixios:Usage:RateLimitStore is 'redis' but UseRedis was not called.")),
            "postgres" => new PostgresRateLimitCounterStore(postgres ?? throw new InvalidOperationException("Allixios:Usage:RateLimitStore is 'postgres' but UsePostgres was not called.")),
            "memory" => new InMemoryRateLimitCounterStore(),
            _ when redis is not null => new RedisRateLimitCounterStore(redis),
            _ when postgres is not null => new PostgresRateLimitCounterStore(postgres),
            _ => new InMemoryRateLimitCounterStore(),
        };
    }
}

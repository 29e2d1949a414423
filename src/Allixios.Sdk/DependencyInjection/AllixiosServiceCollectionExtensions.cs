using Allixios;
using Allixios.Tenancy;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds Allixios to a service collection.</summary>
public static class AllixiosServiceCollectionExtensions
{
    /// <summary>
    /// Adds the Allixios engine in its embedded default (in-memory stores); chain <c>.UsePostgres(…)</c> and
    /// <c>.UseRedis(…)</c> for production. Calling it again adds nothing twice but applies <paramref name="configure"/>.
    /// </summary>
    public static IAllixiosBuilder AddAllixios(this IServiceCollection services, Action<AllixiosOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptionsValidatedOnce<AllixiosOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        // The engine logs (migrations, the bootstrap key); a plain ServiceCollection has no logging until asked.
        services.AddLogging();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ITenantStore, InMemoryTenantStore>();
        services.TryAddSingleton<IApiKeyStore, InMemoryApiKeyStore>();
        services.TryAddSingleton<IAuditLog, InMemoryAuditLog>();
        services.TryAddSingleton<TenantAdministration>();
        services.TryAddSingleton<ApiKeyAuthenticator>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAllixiosStartupTask, BootstrapAdminKeyService>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, AllixiosStartup>());
        services.AddHealthChecks();
        return new AllixiosBuilder(services);
    }
}

using Allixios.Caching;
using Allixios.Storage;
using Allixios.Tenancy;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Xunit;

namespace Allixios.Sdk.Tests.DependencyInjection;

public sealed class AddAllixiosTests
{
    private const string PostgresConnectionString = "Host=127.0.0.1;Port=1;Username=nobody;Password=none;Database=none";

    [Fact]
    public void AddAllixios_registers_the_in_memory_stores_and_the_services_over_them()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddAllixios();

        using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        Assert.IsType<InMemoryTenantStore>(provider.GetRequiredService<ITenantStore>());
        Assert.IsType<InMemoryApiKeyStore>(provider.GetRequiredService<IApiKeyStore>());
        Assert.IsType<InMemoryAuditLog>(provider.GetRequiredService<IAuditLog>());
        Assert.NotNull(provider.GetRequiredService<TenantAdministration>());
        Assert.NotNull(provider.GetRequiredService<ApiKeyAuthenticator>());
        Assert.Same(TimeProvider.System, provider.GetRequiredService<TimeProvider>());
        Assert.Single(provider.GetServices<IHostedService>().OfType<AllixiosStartup>());
        Assert.Null(provider.GetService<NpgsqlDataSource>());
    }

    [Fact]
    public void The_stores_are_singletons_that_share_one_tenant_store()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddAllixios();
        using var provider = services.BuildServiceProvider();

        Assert.Same(provider.GetRequiredService<ITenantStore>(), provider.GetRequiredService<ITenantStore>());
        Assert.Same(provider.GetRequiredService<IApiKeyStore>(), provider.GetRequiredService<IApiKeyStore>());
        Assert.Same(provider.GetRequiredService<TenantAdministration>(), provider.GetRequiredService<TenantAdministration>());
    }

    [Fact]
    public void AddAllixios_twice_registers_nothing_twice()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddAllixios();
        var once = Describe(services);

        services.AddAllixios();

        Assert.Equal(once, Describe(services));
        using var provider = services.BuildServiceProvider();
        Assert.Single(provider.GetServices<IHostedService>().OfType<AllixiosStartup>());
        Assert.Single(provider.GetServices<IAllixiosStartupTask>());
    }

    [Fact]
    public void AddAllixios_keeps_what_the_app_registered_first()
    {
        var time = new FakeTimeProvider();
        var tenants = new InMemoryTenantStore();
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton<TimeProvider>(time);
        services.AddSingleton<ITenantStore>(tenants);

        services.AddAllixios();

        using var provider = services.BuildServiceProvider();
        Assert.Same(time, provider.GetRequiredService<TimeProvider>());
        Assert.Same(tenants, provider.GetRequiredService<ITenantStore>());
    }

    [Fact]
    public void UsePostgres_replaces_the_stores_with_the_postgres_ones()
    {
        var services = new ServiceCollection().AddLogging();

        services.AddAllixios().UsePostgres(PostgresConnectionString);

        Assert.Single(services, s => s.ServiceType == typeof(ITenantStore));
        Assert.Single(services, s => s.ServiceType == typeof(IApiKeyStore));
        Assert.Single(services, s => s.ServiceType == typeof(IAuditLog));
        using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        Assert.IsType<PostgresTenantStore>(provider.GetRequiredService<ITenantStore>());
        Assert.IsType<PostgresApiKeyStore>(provider.GetRequiredService<IApiKeyStore>());
        Assert.IsType<PostgresAuditLog>(provider.GetRequiredService<IAuditLog>());
        Assert.NotNull(provider.GetRequiredService<MigrationRunner>());
        Assert.Contains("Port=1", provider.GetRequiredService<NpgsqlDataSource>().ConnectionString, StringComparison.Ordinal);
    }

    [Fact]
    public void UsePostgres_adds_the_migrations_before_the_bootstrap_key()
    {
        var services = new ServiceCollection().AddLogging();

        services.AddAllixios().UsePostgres(PostgresConnectionString);

        using var provider = services.BuildServiceProvider();
        var tasks = provider.GetServices<IAllixiosStartupTask>().OrderBy(t => t.Order).ToList();
        Assert.Equal([typeof(PostgresMigrationService), typeof(BootstrapAdminKeyService)], tasks.Select(t => t.GetType()));
    }

    [Fact]
    public void AddAllixios_with_options_twice_adds_only_the_second_configuration()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddAllixios(o => o.InstanceName = "first");
        var once = Describe(services);

        services.AddAllixios(o => o.InstanceName = "second");

        Assert.Equal(Sorted([.. once, ConfigureOf<AllixiosOptions>()]), Describe(services));
        using var provider = services.BuildServiceProvider();
        Assert.Equal("second", provider.GetRequiredService<IOptions<AllixiosOptions>>().Value.InstanceName);
    }

    [Fact]
    public void AddAllixios_twice_reports_a_bad_option_once()
    {
        var services = new ServiceCollection();
        services.AddAllixios(o => o.BootstrapAdminKey = "short");
        services.AddAllixios();
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<AllixiosOptions>>().Value);

        Assert.Single(error.Failures);
    }

    [Fact]
    public void UsePostgres_twice_registers_nothing_twice_but_takes_the_second_connection_string()
    {
        var services = new ServiceCollection().AddLogging();
        var builder = services.AddAllixios().UsePostgres(PostgresConnectionString);
        var once = Describe(services);

        builder.UsePostgres(PostgresConnectionString.Replace("Port=1", "Port=2", StringComparison.Ordinal));

        Assert.Equal(Sorted([.. once, ConfigureOf<PostgresOptions>()]), Describe(services));
        using var provider = services.BuildServiceProvider();
        Assert.Contains("Port=2", provider.GetRequiredService<NpgsqlDataSource>().ConnectionString, StringComparison.Ordinal);
    }

    [Fact]
    public void UseRedis_twice_registers_nothing_twice()
    {
        var services = new ServiceCollection().AddLogging();
        var builder = services.AddAllixios().UseRedis("127.0.0.1:1");
        var once = Describe(services);

        builder.UseRedis("127.0.0.1:1");

        Assert.Equal(Sorted([.. once, ConfigureOf<RedisOptions>()]), Describe(services));
    }

    [Fact]
    public void AddAllixios_after_UsePostgres_keeps_the_postgres_stores()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddAllixios().UsePostgres(PostgresConnectionString);

        services.AddAllixios();

        using var provider = services.BuildServiceProvider();
        Assert.IsType<PostgresTenantStore>(provider.GetRequiredService<ITenantStore>());
    }

    [Fact]
    public void UsePostgres_without_a_connection_string_fails_at_once()
    {
        var builder = new ServiceCollection().AddAllixios();

        Assert.Throws<ArgumentException>(() => builder.UsePostgres(" "));
    }

    [Fact]
    public async Task Startup_tasks_run_in_their_order_whatever_order_they_were_registered_in()
    {
        var ran = new List<string>();
        var startup = new AllixiosStartup([new RecordingTask("bootstrap", 100, ran), new RecordingTask("migrations", 0, ran), new RecordingTask("between", 50, ran)]);

        await startup.StartAsync(CancellationToken.None);

        Assert.Equal(["migrations", "between", "bootstrap"], ran);
    }

    /// <summary>Every registration as text, sorted (Replace moves a registration to the end), so that two collections can be compared.</summary>
    private static List<string> Describe(IServiceCollection services) => Sorted(services.Select(Describe));

    private static List<string> Sorted(IEnumerable<string> registrations) => [.. registrations.Order(StringComparer.Ordinal)];

    private static string Describe(ServiceDescriptor s)
        => $"{s.ServiceType} {s.Lifetime} {s.ImplementationType?.FullName ?? s.ImplementationInstance?.GetType().FullName ?? "factory"}";

    /// <summary>The registration that one more <c>Configure</c> of <typeparamref name="TOptions"/> adds.</summary>
    private static string ConfigureOf<TOptions>()
        where TOptions : class
        => Describe(new ServiceCollection().Configure<TOptions>(_ => { }).Single(s => s.ServiceType == typeof(IConfigureOptions<TOptions>)));

    private sealed class RecordingTask(string name, int order, List<string> ran) : IAllixiosStartupTask
    {
        public int Order => order;

        public Task RunAsync(CancellationToken cancellationToken)
        {
            ran.Add(name);
            return Task.CompletedTask;
        }
    }
}

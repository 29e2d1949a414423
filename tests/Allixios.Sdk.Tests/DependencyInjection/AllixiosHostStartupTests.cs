using Allixios.Diagnostics;
using Allixios.Storage;
using Allixios.Tenancy;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Xunit;

namespace Allixios.Sdk.Tests.DependencyInjection;

/// <summary>AddAllixios in a real host: options validated at start, and the bootstrap admin key.</summary>
public sealed class AllixiosHostStartupTests : IDisposable
{
    private const string ConfiguredKey = "configured-admin-key-0123456789";

    private readonly CapturingLoggerProvider _logs = new();

    [Theory]
    [InlineData("too-short-key")]
    [InlineData("exactly-23-characters-x")]
    public async Task A_bootstrap_admin_key_shorter_than_24_characters_stops_the_start(string key)
    {
        using var host = BuildHost(services => services.AddAllixios(o => o.BootstrapAdminKey = key));

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(nameof(AllixiosOptions.BootstrapAdminKey), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_last_used_resolution_over_an_hour_stops_the_start()
    {
        using var host = BuildHost(services => services.AddAllixios(o => o.ApiKeyLastUsedResolution = TimeSpan.FromHours(2)));

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(nameof(AllixiosOptions.ApiKeyLastUsedResolution), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_empty_instance_name_stops_the_start()
    {
        using var host = BuildHost(services => services.AddAllixios(o => o.InstanceName = string.Empty));

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(nameof(AllixiosOptions.InstanceName), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_empty_postgres_connection_string_stops_the_start_before_anything_connects()
    {
        using var host = BuildHost(services => services.AddAllixios().UsePostgres("Host=127.0.0.1", o => o.ConnectionString = string.Empty));

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("Allixios:Postgres:ConnectionString is required", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Valid_options_start_and_stop()
    {
        using var host = BuildHost(services => services.AddAllixios(o => o.BootstrapAdminKey = new string('k', 24)));

        await host.StartAsync();
        await host.StopAsync();
    }

    [Fact]
    public async Task A_configured_bootstrap_key_authenticates_as_admin_of_the_system_tenant()
    {
        using var host = BuildHost(services => services.AddAllixios(o => o.BootstrapAdminKey = $"  {ConfiguredKey} "));

        await host.StartAsync();

        var result = await host.Services.GetRequiredService<ApiKeyAuthenticator>().AuthenticateAsync(ConfiguredKey);
        Assert.True(result.Succeeded);
        Assert.Equal(TenantIds.System, result.Key!.TenantId);
        Assert.Equal([ApiScopes.Admin], result.Key.Scopes);
        Assert.Single(_logs.Logs, l => l.EventId == AllixiosLogEvents.BootstrapKeyConfigured);
        Assert.DoesNotContain(_logs.Logs, l => l.EventId == AllixiosLogEvents.BootstrapKeyGenerated);
        Assert.DoesNotContain(_logs.Logs, l => l.Message.Contains(ConfiguredKey, StringComparison.Ordinal));
        await host.StopAsync();
    }

    [Fact]
    public async Task A_configured_bootstrap_key_is_registered_once_however_often_the_startup_runs()
    {
        using var host = BuildHost(services => services.AddAllixios(o => o.BootstrapAdminKey = ConfiguredKey));
        await host.StartAsync();

        await StartupOf(host).StartAsync(CancellationToken.None);

        Assert.Single(await host.Services.GetRequiredService<IApiKeyStore>().ListAsync(TenantIds.System));
        Assert.Single(_logs.Logs, l => l.EventId == AllixiosLogEvents.BootstrapKeyConfigured);
        await host.StopAsync();
    }

    [Fact]
    public async Task Without_a_configured_key_one_is_generated_and_logged_once()
    {
        using var host = BuildHost(services => services.AddAllixios());

        await host.StartAsync();
        await StartupOf(host).StartAsync(CancellationToken.None);

        var generated = Assert.Single(_logs.Logs, l => l.EventId == AllixiosLogEvents.BootstrapKeyGenerated);
        Assert.Equal(LogLevel.Warning, generated.Level);
        Assert.Equal(typeof(BootstrapAdminKeyService).FullName, generated.Category);
        var secret = Assert.IsType<string>(generated.State.Single(kv => kv.Key == "BootstrapAdminKey").Value);
        Assert.StartsWith(ApiKeySecret.Prefix, secret, StringComparison.Ordinal);
        Assert.Contains(secret, generated.Message, StringComparison.Ordinal);
        var result = await host.Services.GetRequiredService<ApiKeyAuthenticator>().AuthenticateAsync(secret);
        Assert.True(result.Succeeded);
        Assert.Equal(TenantIds.System, result.Key!.TenantId);
        Assert.Equal([ApiScopes.Admin], result.Key.Scopes);
        Assert.Single(await host.Services.GetRequiredService<IApiKeyStore>().ListAsync(TenantIds.System));
        Assert.Single(_logs.Logs, l => l.Message.Contains(secret, StringComparison.Ordinal));
        await host.StopAsync();
    }

    [Fact]
    public async Task No_key_is_generated_when_an_active_admin_key_exists()
    {
        using var host = BuildHost(services => services.AddAllixios());
        await host.Services.GetRequiredService<TenantAdministration>().EnsureAdminKeyAsync(ConfiguredKey, "issued before start");

        await host.StartAsync();

        Assert.DoesNotContain(_logs.Logs, l => l.EventId == AllixiosLogEvents.BootstrapKeyGenerated);
        Assert.Single(await host.Services.GetRequiredService<IApiKeyStore>().ListAsync(TenantIds.System));
        await host.StopAsync();
    }

    [Fact]
    public async Task A_new_key_is_generated_when_the_only_admin_key_was_revoked()
    {
        using var host = BuildHost(services => services.AddAllixios());
        var administration = host.Services.GetRequiredService<TenantAdministration>();
        await administration.EnsureAdminKeyAsync(ConfiguredKey, "issued before start");
        var key = Assert.Single(await host.Services.GetRequiredService<IApiKeyStore>().ListAsync(TenantIds.System));
        await administration.RevokeApiKeyAsync(TenantIds.System, key.Id, "test");

        await host.StartAsync();

        Assert.Single(_logs.Logs, l => l.EventId == AllixiosLogEvents.BootstrapKeyGenerated);
        await host.StopAsync();
    }

    [Fact]
    public async Task The_host_resolves_everything_it_registered()
    {
        // Development turns on ValidateOnBuild: every registration must be constructible.
        using var host = BuildHost(services => services.AddAllixios().UsePostgres("Host=127.0.0.1;Port=1"));

        Assert.IsType<PostgresTenantStore>(host.Services.GetRequiredService<ITenantStore>());
        Assert.NotNull(host.Services.GetRequiredService<MigrationRunner>());
    }

    [Theory]
    [InlineData("Host=127.0.0.1;Port=1", "-c jit=off")]
    [InlineData("Host=127.0.0.1;Port=1;Options=-c statement_timeout=5000", "-c statement_timeout=5000 -c jit=off")]
    [InlineData("Host=127.0.0.1;Port=1;Options=-c jit=on", "-c jit=on")]
    public void Connections_turn_off_postgres_jit_unless_the_connection_string_sets_it(string connectionString, string expectedOptions)
    {
        using var host = BuildHost(services => services.AddAllixios().UsePostgres(connectionString));

        var dataSource = host.Services.GetRequiredService<Npgsql.NpgsqlDataSource>();

        Assert.Equal(expectedOptions, new Npgsql.NpgsqlConnectionStringBuilder(dataSource.ConnectionString).Options);
    }

    [Theory]
    [InlineData("Host=127.0.0.1;Port=1", true)]
    [InlineData("Host=127.0.0.1;Port=1;No Reset On Close=false", false)]
    [InlineData("Host=127.0.0.1;Port=1;No Reset On Close=true", true)]
    public void Pooled_connections_are_not_reset_on_return_unless_the_connection_string_asks_for_it(string connectionString, bool expectedNoReset)
    {
        using var host = BuildHost(services => services.AddAllixios().UsePostgres(connectionString));

        var dataSource = host.Services.GetRequiredService<Npgsql.NpgsqlDataSource>();

        Assert.Equal(expectedNoReset, new Npgsql.NpgsqlConnectionStringBuilder(dataSource.ConnectionString).NoResetOnClose);
    }

    public void Dispose() => _logs.Dispose();

    private static AllixiosStartup StartupOf(IHost host) => host.Services.GetServices<IHostedService>().OfType<AllixiosStartup>().Single();

    private IHost BuildHost(Action<IServiceCollection> configure)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = Environments.Development, Args = [] });
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(_logs);
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        configure(builder.Services);
        return builder.Build();
    }
}

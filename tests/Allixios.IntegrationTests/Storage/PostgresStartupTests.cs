using Allixios.Storage;
using Allixios.Tenancy;
using Allixios.Testing.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Xunit;

namespace Allixios.IntegrationTests.Storage;

/// <summary><c>AddAllixios().UsePostgres(…)</c> in a real host against an empty database, as an operator first starts it.</summary>
public sealed class PostgresStartupTests
{
    private const string BootstrapKey = "configured-admin-key-0123456789";

    [Fact]
    public async Task The_first_start_migrates_the_database_and_registers_the_bootstrap_key()
    {
        await using var database = await PostgresTestDatabase.CreateAsync();
        using var host = BuildHost(database.ConnectionString, o => o.BootstrapAdminKey = BootstrapKey);

        await host.StartAsync();

        var status = await host.Services.GetRequiredService<MigrationRunner>().GetStatusAsync();
        Assert.All(status, s => Assert.True(s.IsApplied, $"migration {s.Version}"));
        var result = await host.Services.GetRequiredService<ApiKeyAuthenticator>().AuthenticateAsync(BootstrapKey);
        Assert.True(result.Succeeded);
        Assert.Equal(TenantIds.System, result.Key!.TenantId);
        Assert.IsType<PostgresApiKeyStore>(host.Services.GetRequiredService<IApiKeyStore>());
        await host.StopAsync();
    }

    [Fact]
    public async Task A_second_start_finds_the_schema_and_the_key_in_place()
    {
        await using var database = await PostgresTestDatabase.CreateAsync();
        using (var first = BuildHost(database.ConnectionString, o => o.BootstrapAdminKey = BootstrapKey))
        {
            await first.StartAsync();
            await first.StopAsync();
        }

        using var second = BuildHost(database.ConnectionString, o => o.BootstrapAdminKey = BootstrapKey);
        await second.StartAsync();

        Assert.Single(await second.Services.GetRequiredService<IApiKeyStore>().ListAsync(TenantIds.System));
        Assert.True((await second.Services.GetRequiredService<ApiKeyAuthenticator>().AuthenticateAsync(BootstrapKey)).Succeeded);
        await second.StopAsync();
    }

    [Fact]
    public async Task Without_migration_at_start_the_host_leaves_the_database_alone()
    {
        await using var database = await PostgresTestDatabase.CreateAsync();
        using var host = BuildHost(database.ConnectionString, o => o.BootstrapAdminKey = null, migrateAtStart: false);

        // The bootstrap key needs the schema, so the start fails without creating anything.
        var error = await Assert.ThrowsAsync<PostgresException>(() => host.StartAsync());

        Assert.Equal(PostgresErrorCodes.UndefinedTable, error.SqlState);

        Assert.All(await host.Services.GetRequiredService<MigrationRunner>().GetStatusAsync(), s => Assert.False(s.IsApplied));
    }

    private static IHost BuildHost(string connectionString, Action<AllixiosOptions> configure, bool migrateAtStart = true)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = Environments.Development, Args = [] });
        builder.Logging.ClearProviders();
        builder.Services.AddAllixios(configure).UsePostgres(connectionString, o => o.MigrateAtStart = migrateAtStart);
        return builder.Build();
    }
}

using Allixios.Storage;
using Allixios.Tenancy;
using Allixios.Testing.Storage;
using Allixios.Testing.Tenancy;
using Npgsql;
using Xunit;

namespace Allixios.IntegrationTests;

/// <summary>
/// A class fixture: a fresh test database (see <see cref="PostgresTestDatabase"/>) with the embedded migrations
/// applied by its ordinary owning role, and one data source for that role, as <c>UsePostgres</c> builds it.
/// </summary>
public sealed class MigratedPostgresDatabase : IAsyncLifetime
{
    private NpgsqlDataSource? _dataSource;

    /// <summary>The test database.</summary>
    public PostgresTestDatabase Database { get; } = new();

    /// <summary>The data source of the ordinary role that owns the database.</summary>
    public NpgsqlDataSource DataSource => _dataSource ?? throw new InvalidOperationException("The fixture is not initialised.");

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        await Database.InitializeAsync();
        _dataSource = Database.CreateDataSource();
        await new MigrationRunner(_dataSource).MigrateAsync();
    }

    /// <inheritdoc />
    public async Task DisposeAsync() => await Database.DisposeAsync();

    /// <summary>The PostgreSQL stores over <see cref="DataSource"/>.</summary>
    public TenancyStores CreateStores() => new(new PostgresTenantStore(DataSource), new PostgresApiKeyStore(DataSource), new PostgresAuditLog(DataSource));

    /// <summary>
    /// Empties the tenancy tables, so that each test of a class starts from nothing. TRUNCATE is not subject to
    /// row-level security; the owning role may run it.
    /// </summary>
    public async Task ResetAsync()
    {
        await using var command = DataSource.CreateCommand("TRUNCATE audit_log, api_keys, tenants RESTART IDENTITY");
        await command.ExecuteNonQueryAsync();
    }
}

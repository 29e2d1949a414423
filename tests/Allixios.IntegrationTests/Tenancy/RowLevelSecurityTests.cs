using Allixios.Storage;
using Allixios.Tenancy;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Xunit;

namespace Allixios.IntegrationTests.Tenancy;

/// <summary>
/// Row-level security as the app's ordinary role meets it: raw SQL with no <c>WHERE tenant_id</c> still sees only the
/// scoped tenant's rows. Each test starts with tenants A and B, each with two keys and its audit entries.
/// </summary>
public sealed class RowLevelSecurityTests(MigratedPostgresDatabase database) : IClassFixture<MigratedPostgresDatabase>, IAsyncLifetime
{
    private const string TenantA = "tenant-a";
    private const string TenantB = "tenant-b";
    private static readonly DateTimeOffset T0 = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly string[] Tables = ["tenants", "api_keys", "audit_log"];

    private NpgsqlDataSource DataSource => database.DataSource;

    public async Task InitializeAsync()
    {
        await database.ResetAsync();
        var stores = database.CreateStores();
        var administration = new TenantAdministration(stores.Tenants, stores.ApiKeys, stores.AuditLog, new FakeTimeProvider(T0));
        foreach (var tenant in new[] { TenantA, TenantB })
        {
            await administration.CreateTenantAsync(new NewTenant(tenant), "test");
            await administration.IssueApiKeyAsync(tenant, new NewApiKey("first", [ApiScopes.ContentRead]), "test");
            await administration.IssueApiKeyAsync(tenant, new NewApiKey("second", [ApiScopes.JobsWrite]), "test");
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task The_app_role_is_not_a_superuser_and_cannot_bypass_row_level_security()
    {
        await using var command = DataSource.CreateCommand("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user");
        await using var reader = await command.ExecuteReaderAsync();

        Assert.True(await reader.ReadAsync());
        Assert.False(reader.GetBoolean(0), "A superuser bypasses row-level security: these tests would prove nothing.");
        Assert.False(reader.GetBoolean(1));
    }

    [Fact]
    public async Task A_tenant_scope_sees_only_its_own_rows_whatever_the_sql_says()
    {
        await using var scope = await PostgresScope.ForTenantAsync(DataSource, TenantA);

        Assert.Equal([TenantA], await TenantIdsAsync(scope, "tenants"));
        Assert.Equal([TenantA, TenantA], await TenantIdsAsync(scope, "api_keys"));
        Assert.Equal([TenantA, TenantA, TenantA], await TenantIdsAsync(scope, "audit_log"));
        Assert.Equal(0L, await CountAsync(scope, $"SELECT count(*) FROM api_keys WHERE tenant_id = '{TenantB}'"));
        Assert.Equal(0L, await CountAsync(scope, "SELECT count(*) FROM api_keys k JOIN tenants t USING (tenant_id) WHERE t.tenant_id <> k.tenant_id OR k.tenant_id <> 'tenant-a'"));
    }

    [Fact]
    public async Task The_system_scope_sees_every_tenants_rows()
    {
        await using var scope = await PostgresScope.ForSystemAsync(DataSource);

        Assert.Equal([TenantA, TenantB], await TenantIdsAsync(scope, "tenants"));
        Assert.Equal([TenantA, TenantA, TenantB, TenantB], await TenantIdsAsync(scope, "api_keys"));
    }

    [Fact]
    public async Task A_connection_without_a_scope_sees_no_rows()
    {
        await using var connection = await DataSource.OpenConnectionAsync();

        foreach (var table in Tables)
        {
            await using var command = new NpgsqlCommand($"SELECT count(*) FROM {table}", connection);
            Assert.Equal(0L, (long)(await command.ExecuteScalarAsync())!);
        }
    }

    [Fact]
    public async Task A_tenant_id_that_looks_like_sql_is_only_a_value()
    {
        await using var scope = await PostgresScope.ForTenantAsync(DataSource, "tenant-a' OR true --");

        foreach (var table in Tables)
        {
            Assert.Empty(await TenantIdsAsync(scope, table));
        }
    }

    [Fact]
    public async Task Inserting_a_row_for_another_tenant_is_refused_by_the_policy()
    {
        foreach (var insert in new[]
        {
            $"INSERT INTO audit_log (tenant_id, actor, action, target, occurred_at) VALUES ('{TenantB}', 'x', 'y', 'z', now())",
            $"INSERT INTO api_keys (key_id, tenant_id, name, scopes, prefix, secret_hash, created_at) VALUES ('key_x', '{TenantB}', 'x', '{{content:read}}', 'alx_', '\\x01', now())",
            "INSERT INTO tenants (tenant_id, display_name, created_at, updated_at) VALUES ('tenant-c', 'C', now(), now())",
        })
        {
            await using var scope = await PostgresScope.ForTenantAsync(DataSource, TenantA);
            var error = await Assert.ThrowsAsync<PostgresException>(() => scope.CreateCommand(insert).ExecuteNonQueryAsync());
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, error.SqlState);
            Assert.Contains("row-level security", error.MessageText, StringComparison.Ordinal);
        }

        await using var system = await PostgresScope.ForSystemAsync(DataSource);
        Assert.Equal(0L, await CountAsync(system, "SELECT count(*) FROM api_keys WHERE key_id = 'key_x'"));
        Assert.Equal(0L, await CountAsync(system, "SELECT count(*) FROM tenants WHERE tenant_id = 'tenant-c'"));
        Assert.Equal(3L, await CountAsync(system, $"SELECT count(*) FROM audit_log WHERE tenant_id = '{TenantB}'"));
    }

    [Fact]
    public async Task Inserting_a_row_without_a_scope_is_refused_by_the_policy()
    {
        await using var connection = await DataSource.OpenConnectionAsync();
        await using var command = new NpgsqlCommand($"INSERT INTO audit_log (tenant_id, actor, action, target, occurred_at) VALUES ('{TenantA}', 'x', 'y', 'z', now())", connection);

        var error = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync());

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, error.SqlState);
    }

    [Fact]
    public async Task Moving_a_row_to_another_tenant_is_refused_by_the_policy()
    {
        await using var scope = await PostgresScope.ForTenantAsync(DataSource, TenantA);

        var error = await Assert.ThrowsAsync<PostgresException>(() => scope.CreateCommand($"UPDATE audit_log SET tenant_id = '{TenantB}'").ExecuteNonQueryAsync());

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, error.SqlState);
    }

    [Fact]
    public async Task A_tenant_scope_changes_and_deletes_only_its_own_rows()
    {
        await using (var scope = await PostgresScope.ForTenantAsync(DataSource, TenantA))
        {
            Assert.Equal(2, await scope.CreateCommand("UPDATE api_keys SET name = 'renamed'").ExecuteNonQueryAsync());
            Assert.Equal(3, await scope.CreateCommand("DELETE FROM audit_log").ExecuteNonQueryAsync());
            await scope.CommitAsync();
        }

        await using var system = await PostgresScope.ForSystemAsync(DataSource);
        Assert.Equal(0L, await CountAsync(system, $"SELECT count(*) FROM api_keys WHERE tenant_id = '{TenantB}' AND name = 'renamed'"));
        Assert.Equal(3L, await CountAsync(system, "SELECT count(*) FROM audit_log"));
    }

    [Fact]
    public async Task The_scope_does_not_leak_to_the_next_use_of_a_pooled_connection()
    {
        // One pooled connection, so every open below gets the same server session.
        var pooled = database.Database.CreateDataSource(b => b.MaxPoolSize = 1);
        int scopedPid;
        await using (var scope = await PostgresScope.ForTenantAsync(pooled, TenantA))
        {
            scopedPid = await PidAsync(scope.Connection, scope.Transaction);
            Assert.Equal([TenantA], await TenantIdsAsync(scope, "tenants"));
            await scope.CommitAsync();
        }

        await AssertUnscopedAsync(pooled, scopedPid);

        // A scope that ends without a commit (an error, say) rolls back and leaks nothing either.
        await using (var scope = await PostgresScope.ForSystemAsync(pooled))
        {
            Assert.Equal(scopedPid, await PidAsync(scope.Connection, scope.Transaction));
            Assert.Equal(2, (await TenantIdsAsync(scope, "tenants")).Count);
        }

        await AssertUnscopedAsync(pooled, scopedPid);

        await using (var scope = await PostgresScope.ForTenantAsync(pooled, TenantB))
        {
            Assert.Equal(scopedPid, await PidAsync(scope.Connection, scope.Transaction));
            Assert.Equal([TenantB], await TenantIdsAsync(scope, "tenants"));
        }
    }

    private static async Task AssertUnscopedAsync(NpgsqlDataSource dataSource, int expectedPid)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        Assert.Equal(expectedPid, await PidAsync(connection, null));
        await using var settings = new NpgsqlCommand("SELECT coalesce(current_setting('allixios.tenant_id', true), ''), coalesce(current_setting('allixios.scope', true), '')", connection);
        await using (var reader = await settings.ExecuteReaderAsync())
        {
            Assert.True(await reader.ReadAsync());
            Assert.Equal(string.Empty, reader.GetString(0));
            Assert.Equal(string.Empty, reader.GetString(1));
        }

        foreach (var table in Tables)
        {
            await using var count = new NpgsqlCommand($"SELECT count(*) FROM {table}", connection);
            Assert.Equal(0L, (long)(await count.ExecuteScalarAsync())!);
        }
    }

    private static async Task<int> PidAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction)
    {
        await using var command = new NpgsqlCommand("SELECT pg_backend_pid()", connection, transaction);
        return (int)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<List<string>> TenantIdsAsync(PostgresScope scope, string table)
    {
        await using var command = scope.CreateCommand($"SELECT tenant_id FROM {table} ORDER BY tenant_id");
        await using var reader = await command.ExecuteReaderAsync();
        var ids = new List<string>();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    private static async Task<long> CountAsync(PostgresScope scope, string sql)
    {
        await using var command = scope.CreateCommand(sql);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}

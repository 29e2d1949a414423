using System.Text.Json;
using Allixios.Storage;
using Npgsql;
using NpgsqlTypes;

namespace Allixios.Tenancy;

/// <summary>The production <see cref="ITenantStore"/>: the <c>tenants</c> table.</summary>
public sealed class PostgresTenantStore(NpgsqlDataSource dataSource) : ITenantStore
{
    private const string Columns = "tenant_id, display_name, limits, features, created_at, updated_at";

    /// <inheritdoc />
    public async ValueTask<bool> TryCreateAsync(Tenant tenant, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        await using var scope = await PostgresScope.ForTenantAsync(dataSource, tenant.Id, cancellationToken);
        await using var command = scope.CreateCommand($"INSERT INTO tenants ({Columns}) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (tenant_id) DO NOTHING");
        AddParameters(command, tenant);
        var inserted = await command.ExecuteNonQueryAsync(cancellationToken) == 1;
        await scope.CommitAsync(cancellationToken);
        return inserted;
    }

    /// <inheritdoc />
    public async ValueTask<Tenant?> GetAsync(string tenantId, CancellationToken cancellationToken = default)
    {
        await using var scope = await PostgresScope.ForTenantAsync(dataSource, tenantId, cancellationToken);
        await using var command = scope.CreateCommand($"SELECT {Columns} FROM tenants WHERE tenant_id = $1");
        command.Parameters.Add(new() { Value = tenantId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<Tenant>> ListAsync(string? afterId, int limit, CancellationToken cancellationToken = default)
    {
        await using var scope = await PostgresScope.ForSystemAsync(dataSource, cancellationToken);
        await using var command = scope.CreateCommand(
            // Byte order (COLLATE "C"), as ids compare in .NET: a natural-language collation would ignore the hyphens.
            $"""SELECT {Columns} FROM tenants WHERE $1::text IS NULL OR tenant_id COLLATE "C" > $1 ORDER BY tenant_id COLLATE "C" LIMIT $2""");
        command.Parameters.Add(new() { Value = (object?)afterId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = limit });
        var page = new List<Tenant>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            page.Add(Read(reader));
        }

        return page;
    }

    /// <inheritdoc />
    public async ValueTask<bool> TryUpdateAsync(Tenant tenant, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        await using var scope = await PostgresScope.ForTenantAsync(dataSource, tenant.Id, cancellationToken);
        await using var command = scope.CreateCommand("UPDATE tenants SET display_name = $2, limits = $3, features = $4, updated_at = $5 WHERE tenant_id = $1");
        command.Parameters.Add(new() { Value = tenant.Id });
        command.Parameters.Add(new() { Value = tenant.DisplayName });
        command.Parameters.Add(new() { Value = JsonSerializer.Serialize(tenant.Limits), NpgsqlDbType = NpgsqlDbType.Jsonb });
        command.Parameters.Add(new() { Value = JsonSerializer.Serialize(tenant.Features), NpgsqlDbType = NpgsqlDbType.Jsonb });
        command.Parameters.Add(new() { Value = tenant.UpdatedAt.ToUniversalTime() });
        var updated = await command.ExecuteNonQueryAsync(cancellationToken) == 1;
        await scope.CommitAsync(cancellationToken);
        return updated;
    }

    private static void AddParameters(NpgsqlCommand command, Tenant tenant)
    {
        command.Parameters.Add(new() { Value = tenant.Id });
        command.Parameters.Add(new() { Value = tenant.DisplayName });
        command.Parameters.Add(new() { Value = JsonSerializer.Serialize(tenant.Limits), NpgsqlDbType = NpgsqlDbType.Jsonb });
        command.Parameters.Add(new() { Value = JsonSerializer.Serialize(tenant.Features), NpgsqlDbType = NpgsqlDbType.Jsonb });
        command.Parameters.Add(new() { Value = tenant.CreatedAt.ToUniversalTime() });
        command.Parameters.Add(new() { Value = tenant.UpdatedAt.ToUniversalTime() });
    }

    private static Tenant Read(NpgsqlDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        JsonSerializer.Deserialize<Dictionary<string, long>>(reader.GetString(2)) ?? [],
        JsonSerializer.Deserialize<Dictionary<string, bool>>(reader.GetString(3)) ?? [],
        reader.GetFieldValue<DateTimeOffset>(4),
        reader.GetFieldValue<DateTimeOffset>(5));
}

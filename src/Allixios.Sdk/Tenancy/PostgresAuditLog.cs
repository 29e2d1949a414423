using System.Text.Json;
using Allixios.Storage;
using Npgsql;
using NpgsqlTypes;

namespace Allixios.Tenancy;

/// <summary>The production <see cref="IAuditLog"/>: the append-only <c>audit_log</c> table.</summary>
public sealed class PostgresAuditLog(NpgsqlDataSource dataSource) : IAuditLog
{
    /// <inheritdoc />
    public async ValueTask AppendAsync(AuditEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        await using var scope = await PostgresScope.ForTenantAsync(dataSource, entry.TenantId, cancellationToken);
        await using var command = scope.CreateCommand("INSERT INTO audit_log (tenant_id, actor, action, target, occurred_at, details) VALUES ($1, $2, $3, $4, $5, $6)");
        command.Parameters.Add(new() { Value = entry.TenantId });
        command.Parameters.Add(new() { Value = entry.Actor });
        command.Parameters.Add(new() { Value = entry.Action });
        command.Parameters.Add(new() { Value = entry.Target });
        command.Parameters.Add(new() { Value = entry.At.ToUniversalTime() });
        command.Parameters.Add(new() { Value = JsonSerializer.Serialize(entry.Details), NpgsqlDbType = NpgsqlDbType.Jsonb });
        await command.ExecuteNonQueryAsync(cancellationToken);
        await scope.CommitAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<AuditEntry>> ListAsync(string tenantId, int limit, CancellationToken cancellationToken = default)
    {
        await using var scope = await PostgresScope.ForTenantAsync(dataSource, tenantId, cancellationToken);
        await using var command = scope.CreateCommand("SELECT tenant_id, actor, action, target, occurred_at, details FROM audit_log WHERE tenant_id = $1 ORDER BY audit_id DESC LIMIT $2");
        command.Parameters.Add(new() { Value = tenantId });
        command.Parameters.Add(new() { Value = limit });
        var entries = new List<AuditEntry>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            entries.Add(new AuditEntry(
                reader.GetString(0),
                reader.GetString(1),
                reader.GetString(2),
                reader.GetString(3),
                reader.GetFieldValue<DateTimeOffset>(4),
                JsonSerializer.Deserialize<Dictionary<string, string>>(reader.GetString(5)) ?? []));
        }

        return entries;
    }
}

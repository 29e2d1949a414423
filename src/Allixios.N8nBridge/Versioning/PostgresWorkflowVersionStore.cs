using Allixios.Storage;
using Npgsql;
using NpgsqlTypes;

namespace Allixios.N8nBridge.Versioning;

/// <summary>
/// Workflow versions in PostgreSQL (table <c>n8n_workflow_versions</c>, migration 0015), every statement in a
/// <see cref="PostgresScope"/> of the tenant, so row-level security keeps tenants apart.
/// </summary>
public sealed class PostgresWorkflowVersionStore(NpgsqlDataSource dataSource) : IWorkflowVersionStore
{
    private const string Columns = "tenant_id, workflow_id, version, name, active, definition::text, hash, source, change, author, note, n8n_version_id, created_at";

    /// <inheritdoc />
    public async Task<WorkflowVersionAppend> AppendAsync(string tenantId, NewWorkflowVersion version, bool skipIfUnchanged = false, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenantId);
        ArgumentNullException.ThrowIfNull(version);
        await using var scope = await PostgresScope.ForTenantAsync(dataSource, tenantId, cancellationToken);
        // One writer per workflow at a time, so that numbers follow each other and the hash comparison sees the latest.
        await using (var lockCommand = scope.CreateCommand("SELECT pg_advisory_xact_lock(hashtextextended('n8n_workflow_versions/' || $1 || '/' || $2, 0))"))
        {
            lockCommand.Parameters.Add(new() { Value = tenantId });
            lockCommand.Parameters.Add(new() { Value = version.WorkflowId });
            await lockCommand.ExecuteNonQueryAsync(cancellationToken);
        }

        var latest = await ReadOneAsync(scope, $"SELECT {Columns} FROM n8n_workflow_versions WHERE tenant_id = $1 AND workflow_id = $2 ORDER BY version DESC LIMIT 1", [tenantId, version.WorkflowId], cancellationToken);
        if (skipIfUnchanged && latest is not null && latest.Hash == version.Hash)
        {
            await scope.CommitAsync(cancellationToken);
            return new WorkflowVersionAppend(latest, Appended: false);
        }

        var stored = new WorkflowVersion
        {
            TenantId = tenantId,
            WorkflowId = version.WorkflowId,
            Version = (latest?.Version ?? 0) + 1,
            Name = version.Name,
            Active = version.Active,
            Definition = version.Definition,
            Hash = version.Hash,
            Source = version.Source,
            Change = version.Change,
            Author = version.Author,
            Note = version.Note,
            N8nVersionId = version.N8nVersionId,
            CreatedAt = version.CreatedAt,
        };
        await using (var insert = scope.CreateCommand("""
            INSERT INTO n8n_workflow_versions (tenant_id, workflow_id, version, name, active, definition, hash, source, change, author, note, n8n_version_id, created_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
            """))
        {
            insert.Parameters.Add(new() { Value = tenantId });
            insert.Parameters.Add(new() { Value = stored.WorkflowId });
            insert.Parameters.Add(new() { Value = stored.Version });
            insert.Parameters.Add(new() { Value = stored.Name });
            insert.Parameters.Add(new() { Value = stored.Active });
            insert.Parameters.Add(new() { Value = stored.Definition, NpgsqlDbType = NpgsqlDbType.Jsonb });
            insert.Parameters.Add(new() { Value = stored.Hash });
            insert.Parameters.Add(new() { Value = SourceName(stored.Source) });
            insert.Parameters.Add(new() { Value = ChangeName(stored.Change) });
            insert.Parameters.Add(new() { Value = stored.Author });
            insert.Parameters.Add(new() { Value = stored.Note });
            insert.Parameters.Add(new() { Value = (object?)stored.N8nVersionId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
            insert.Parameters.Add(new() { Value = stored.CreatedAt.ToUniversalTime() });
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await scope.CommitAsync(cancellationToken);
        return new WorkflowVersionAppend(stored, Appended: true);
    }

    /// <inheritdoc />
    public async Task<WorkflowVersion?> GetAsync(string tenantId, string workflowId, int version, CancellationToken cancellationToken = default)
    {
        await using var scope = await PostgresScope.ForTenantAsync(dataSource, tenantId, cancellationToken);
        return await ReadOneAsync(scope, $"SELECT {Columns} FROM n8n_workflow_versions WHERE tenant_id = $1 AND workflow_id = $2 AND version = $3", [tenantId, workflowId, version], cancellationToken);
    }

    /// <inheritdoc />
    public async Task<WorkflowVersion?> GetLatestAsync(string tenantId, string workflowId, CancellationToken cancellationToken = default)
    {
        await using var scope = await PostgresScope.ForTenantAsync(dataSource, tenantId, cancellationToken);
        return await ReadOneAsync(scope, $"SELECT {Columns} FROM n8n_workflow_versions WHERE tenant_id = $1 AND workflow_id = $2 ORDER BY version DESC LIMIT 1", [tenantId, workflowId], cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<WorkflowVersion>> ListAsync(string tenantId, string workflowId, int limit, int? beforeVersion = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        await using var scope = await PostgresScope.ForTenantAsync(dataSource, tenantId, cancellationToken);
        await using var command = scope.CreateCommand($"SELECT {Columns} FROM n8n_workflow_versions WHERE tenant_id = $1 AND workflow_id = $2 AND version < $3 ORDER BY version DESC LIMIT $4");
        command.Parameters.Add(new() { Value = tenantId });
        command.Parameters.Add(new() { Value = workflowId });
        command.Parameters.Add(new() { Value = beforeVersion ?? int.MaxValue });
        command.Parameters.Add(new() { Value = limit });
        var versions = new List<WorkflowVersion>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            versions.Add(Read(reader));
        }

        return versions;
    }

    private static async Task<WorkflowVersion?> ReadOneAsync(PostgresScope scope, string sql, object[] parameters, CancellationToken cancellationToken)
    {
        await using var command = scope.CreateCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new() { Value = parameter });
        }

        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    private static WorkflowVersion Read(NpgsqlDataReader reader) => new()
    {
        TenantId = reader.GetString(0),
        WorkflowId = reader.GetString(1),
        Version = reader.GetInt32(2),
        Name = reader.GetString(3),
        Active = reader.GetBoolean(4),
        Definition = reader.GetString(5),
        Hash = reader.GetString(6),
        Source = reader.GetString(7) == "sync" ? WorkflowVersionSource.Sync : WorkflowVersionSource.Bridge,
        Change = ParseChange(reader.GetString(8)),
        Author = reader.GetString(9),
        Note = reader.GetString(10),
        N8nVersionId = reader.IsDBNull(11) ? null : reader.GetString(11),
        CreatedAt = reader.GetFieldValue<DateTimeOffset>(12),
    };

    private static string SourceName(WorkflowVersionSource source) => source == WorkflowVersionSource.Sync ? "sync" : "bridge";

    private static string ChangeName(WorkflowChange change) => change switch
    {
        WorkflowChange.Created => "created",
        WorkflowChange.Updated => "updated",
        WorkflowChange.Activated => "activated",
        WorkflowChange.Deactivated => "deactivated",
        WorkflowChange.RolledBack => "rolled_back",
        _ => "synced",
    };

    private static WorkflowChange ParseChange(string name) => name switch
    {
        "created" => WorkflowChange.Created,
        "updated" => WorkflowChange.Updated,
        "activated" => WorkflowChange.Activated,
        "deactivated" => WorkflowChange.Deactivated,
        "rolled_back" => WorkflowChange.RolledBack,
        _ => WorkflowChange.Synced,
    };
}

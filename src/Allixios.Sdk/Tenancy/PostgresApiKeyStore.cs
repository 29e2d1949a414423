using Allixios.Storage;
using Npgsql;
using NpgsqlTypes;

namespace Allixios.Tenancy;

/// <summary>The production <see cref="IApiKeyStore"/>: the <c>api_keys</c> table, secrets as SHA-256 hashes only.</summary>
public sealed class PostgresApiKeyStore(NpgsqlDataSource dataSource) : IApiKeyStore
{
    private const string Columns = "key_id, tenant_id, name, scopes, prefix, created_at, expires_at, revoked_at, last_used_at";

    /// <inheritdoc />
    public async ValueTask CreateAsync(ApiKey key, byte[] secretHash, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        await using var scope = await PostgresScope.ForTenantAsync(dataSource, key.TenantId, cancellationToken);
        await using var command = scope.CreateCommand($"INSERT INTO api_keys ({Columns}, secret_hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)");
        command.Parameters.Add(new() { Value = key.Id });
        command.Parameters.Add(new() { Value = key.TenantId });
        command.Parameters.Add(new() { Value = key.Name });
        command.Parameters.Add(new() { Value = key.Scopes.ToArray() });
        command.Parameters.Add(new() { Value = key.Prefix });
        // Npgsql writes timestamptz from UTC values only; a caller's time may carry any offset.
        command.Parameters.Add(new() { Value = key.CreatedAt.ToUniversalTime() });
        command.Parameters.Add(new() { Value = (object?)key.ExpiresAt?.ToUniversalTime() ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new() { Value = (object?)key.RevokedAt?.ToUniversalTime() ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new() { Value = (object?)key.LastUsedAt?.ToUniversalTime() ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new() { Value = secretHash });
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            throw AllixiosException.Exists("api_key_exists", $"API key '{key.Id}' (or one with the same secret) exists already.");
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ForeignKeyViolation)
        {
            throw AllixiosException.NotFound("tenant_not_found", $"Tenant '{key.TenantId}' does not exist.");
        }

        await scope.CommitAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask<ApiKey?> FindBySecretHashAsync(byte[] secretHash, CancellationToken cancellationToken = default)
    {
        // The tenant is not known until the key is found, so this one lookup spans tenants.
        await using var scope = await PostgresScope.ForSystemAsync(dataSource, cancellationToken);
        await using var command = scope.CreateCommand($"SELECT {Columns} FROM api_keys WHERE secret_hash = $1");
        command.Parameters.Add(new() { Value = secretHash });
        return await ReadOneAsync(command, cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask<ApiKey?> GetAsync(string tenantId, string keyId, CancellationToken cancellationToken = default)
    {
        await using var scope = await PostgresScope.ForTenantAsync(dataSource, tenantId, cancellationToken);
        await using var command = scope.CreateCommand($"SELECT {Columns} FROM api_keys WHERE tenant_id = $1 AND key_id = $2");
        command.Parameters.Add(new() { Value = tenantId });
        command.Parameters.Add(new() { Value = keyId });
        return await ReadOneAsync(command, cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<ApiKey>> ListAsync(string tenantId, CancellationToken cancellationToken = default)
    {
        await using var scope = await PostgresScope.ForTenantAsync(dataSource, tenantId, cancellationToken);
        await using var command = scope.CreateCommand($"SELECT {Columns} FROM api_keys WHERE tenant_id = $1 ORDER BY created_at DESC, key_id DESC");
        command.Parameters.Add(new() { Value = tenantId });
        var keys = new List<ApiKey>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            keys.Add(Read(reader));
        }

        return keys;
    }

    /// <inheritdoc />
    public async ValueTask<ApiKey?> RevokeAsync(string tenantId, string keyId, DateTimeOffset revokedAt, CancellationToken cancellationToken = default)
    {
        await using var scope = await PostgresScope.ForTenantAsync(dataSource, tenantId, cancellationToken);
        await using var command = scope.CreateCommand($"UPDATE api_keys SET revoked_at = COALESCE(revoked_at, $3) WHERE tenant_id = $1 AND key_id = $2 RETURNING {Columns}");
        command.Parameters.Add(new() { Value = tenantId });
        command.Parameters.Add(new() { Value = keyId });
        command.Parameters.Add(new() { Value = revokedAt.ToUniversalTime() });
        var key = await ReadOneAsync(command, cancellationToken);
        await scope.CommitAsync(cancellationToken);
        return key;
    }

    /// <inheritdoc />
    public async ValueTask RecordUseAsync(string keyId, DateTimeOffset usedAt, CancellationToken cancellationToken = default)
    {
        await using var scope = await PostgresScope.ForSystemAsync(dataSource, cancellationToken);
        await using var command = scope.CreateCommand("UPDATE api_keys SET last_used_at = $2 WHERE key_id = $1 AND (last_used_at IS NULL OR last_used_at < $2)");
        command.Parameters.Add(new() { Value = keyId });
        command.Parameters.Add(new() { Value = usedAt.ToUniversalTime() });
        await command.ExecuteNonQueryAsync(cancellationToken);
        await scope.CommitAsync(cancellationToken);
    }

    private static async Task<ApiKey?> ReadOneAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    private static ApiKey Read(NpgsqlDataReader reader) => new(
        Id: reader.GetString(0),
        TenantId: reader.GetString(1),
        Name: reader.GetString(2),
        Scopes: reader.GetFieldValue<string[]>(3),
        Prefix: reader.GetString(4),
        CreatedAt: reader.GetFieldValue<DateTimeOffset>(5),
        ExpiresAt: reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6),
        RevokedAt: reader.IsDBNull(7) ? null : reader.GetFieldValue<DateTimeOffset>(7),
        LastUsedAt: reader.IsDBNull(8) ? null : reader.GetFieldValue<DateTimeOffset>(8));
}

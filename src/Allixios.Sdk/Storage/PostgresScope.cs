using Npgsql;

namespace Allixios.Storage;

/// <summary>
/// A connection and transaction whose row-level-security scope is set for that transaction only: one tenant,
/// or the whole platform. Every Allixios store opens its work through one, so a query that forgets its
/// <c>WHERE tenant_id</c> still cannot read another tenant's rows. The settings are transaction-local, so
/// nothing leaks to the next user of a pooled connection.
/// </summary>
public sealed class PostgresScope : IAsyncDisposable
{
    private PostgresScope(NpgsqlConnection connection, NpgsqlTransaction transaction)
    {
        Connection = connection;
        Transaction = transaction;
    }

    /// <summary>The open connection.</summary>
    public NpgsqlConnection Connection { get; }

    /// <summary>The transaction the scope is set in.</summary>
    public NpgsqlTransaction Transaction { get; }

    /// <summary>Opens a connection that sees only <paramref name="tenantId"/>'s rows.</summary>
    public static Task<PostgresScope> ForTenantAsync(NpgsqlDataSource dataSource, string tenantId, CancellationToken cancellationToken = default)
        => OpenAsync(dataSource, tenantId, system: false, cancellationToken);

    /// <summary>Opens a connection that sees every tenant's rows, for platform operations.</summary>
    public static Task<PostgresScope> ForSystemAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken = default)
        => OpenAsync(dataSource, tenantId: null, system: true, cancellationToken);

    /// <summary>A command on the scope's connection and transaction.</summary>
    public NpgsqlCommand CreateCommand(string sql) => new(sql, Connection, Transaction);

    /// <summary>Commits the work done in the scope.</summary>
    public Task CommitAsync(CancellationToken cancellationToken = default) => Transaction.CommitAsync(cancellationToken);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await Transaction.DisposeAsync();
        await Connection.DisposeAsync();
    }

    /// <summary>
    /// A batch that runs as one transaction in one round trip: it begins, sets the scope as <see cref="ForTenantAsync"/>
    /// (a tenant) or <see cref="ForSystemAsync"/> (<paramref name="tenantId"/> none) do, then runs the statements the
    /// caller adds; the caller adds <see cref="AddCommit"/> last. Its first result set is the scope's (one row), which
    /// the caller skips with <c>NextResultAsync</c>. For hot paths, where the three round trips of a scope (begin and
    /// settings, statement, commit) cost more than the statement; <see cref="PrepareAsync"/> it before running it.
    /// </summary>
    internal static NpgsqlBatch CreateBatch(NpgsqlConnection connection, string? tenantId)
    {
        var batch = connection.CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand("BEGIN"));
        var settings = new NpgsqlBatchCommand(SettingsSql);
        settings.Parameters.Add(new() { Value = tenantId ?? string.Empty });
        settings.Parameters.Add(new() { Value = tenantId is null ? "system" : "tenant" });
        batch.BatchCommands.Add(settings);
        return batch;
    }

    /// <summary>Ends a batch from <see cref="CreateBatch"/>: commits it. A failed statement before it leaves nothing done.</summary>
    internal static void AddCommit(NpgsqlBatch batch) => batch.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));

    /// <summary>
    /// Prepares a batch's statements on its connection, once per pooled connection (Npgsql remembers them): the queue's
    /// statements take longer to plan than to run, and are run thousands of times a second.
    /// </summary>
    internal static Task PrepareAsync(NpgsqlBatch batch, CancellationToken cancellationToken) => batch.PrepareAsync(cancellationToken);

    private const string SettingsSql = "SELECT set_config('allixios.tenant_id', $1, true), set_config('allixios.scope', $2, true)";

    private static async Task<PostgresScope> OpenAsync(NpgsqlDataSource dataSource, string? tenantId, bool system, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await using var command = new NpgsqlCommand(SettingsSql, connection, transaction);
            command.Parameters.Add(new() { Value = tenantId ?? string.Empty });
            command.Parameters.Add(new() { Value = system ? "system" : "tenant" });
            await command.ExecuteNonQueryAsync(cancellationToken);
            return new PostgresScope(connection, transaction);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }
}

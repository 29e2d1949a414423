using Allixios.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Allixios.Storage;

/// <summary>
/// Applies and rolls back the embedded schema migrations. Each migration runs in its own transaction and is
/// recorded with its checksum; an applied migration whose script changed is an error. A session-level advisory
/// lock serialises runners across processes, so replicas starting together migrate a database exactly once.
/// </summary>
public sealed class MigrationRunner
{
    /// <summary>The advisory lock key every runner takes: the ASCII of "Allixios".</summary>
    public const long AdvisoryLockKey = 0x416C6C6978696F73;

    private const string HistoryTable = "allixios_schema_migrations";

    private readonly NpgsqlDataSource _dataSource;
    private readonly IReadOnlyList<Migration> _migrations;
    private readonly ILogger _logger;

    /// <summary>A runner for the migrations embedded in Allixios.Sdk.</summary>
    public MigrationRunner(NpgsqlDataSource dataSource, ILogger<MigrationRunner>? logger = null)
        : this(dataSource, MigrationCatalog.All, logger)
    {
    }

    internal MigrationRunner(NpgsqlDataSource dataSource, IReadOnlyList<Migration> migrations, ILogger? logger)
    {
        _dataSource = dataSource;
        _migrations = migrations;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>The newest version this build knows.</summary>
    public int LatestVersion => _migrations.Count == 0 ? 0 : _migrations[^1].Version;

    /// <summary>Applies every pending migration. Returns how many were applied.</summary>
    public Task<int> MigrateAsync(CancellationToken cancellationToken = default) => MigrateToAsync(LatestVersion, cancellationToken);

    /// <summary>
    /// Brings the schema to <paramref name="targetVersion"/>: applies pending migrations up to it, or runs the down
    /// scripts of newer ones, newest first (0 removes everything). Returns how many migrations ran.
    /// </summary>
    /// <exception cref="MigrationException">An applied migration was edited, or the database is newer than this build.</exception>
    public async Task<int> MigrateToAsync(int targetVersion, CancellationToken cancellationToken = default)
    {
        if (targetVersion < 0 || targetVersion > LatestVersion)
        {
            throw new ArgumentOutOfRangeException(nameof(targetVersion), targetVersion, $"The target version must be 0 to {LatestVersion}, the newest this build knows.");
        }

        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await ExecuteAsync(connection, $"SELECT pg_advisory_lock({AdvisoryLockKey})", cancellationToken);
        try
        {
            await ExecuteAsync(connection, $"""
                CREATE TABLE IF NOT EXISTS {HistoryTable} (
                    version     integer PRIMARY KEY,
                    name        text NOT NULL,
                    checksum    text NOT NULL,
                    applied_at  timestamptz NOT NULL DEFAULT now()
                )
                """, cancellationToken);
            var applied = await ReadAppliedAsync(connection, cancellationToken);
            Verify(applied);

            var current = applied.Count == 0 ? 0 : applied.Keys.Max();
            var ran = targetVersion >= current
                ? await UpAsync(connection, current, targetVersion, cancellationToken)
                : await DownAsync(connection, current, targetVersion, cancellationToken);
            if (ran == 0)
            {
                _logger.LogInformation(AllixiosLogEvents.SchemaUpToDate, "Database schema is at version {Version}; nothing to do.", current);
            }
            else
            {
                // Types created by a migration (pgvector's vector) must be known to every connection of the data source.
                await connection.ReloadTypesAsync(cancellationToken);
            }

            return ran;
        }
        finally
        {
            await ExecuteAsync(connection, $"SELECT pg_advisory_unlock({AdvisoryLockKey})", CancellationToken.None);
        }
    }

    /// <summary>Every known migration with the time it was applied, or none while it is pending.</summary>
    public async Task<IReadOnlyList<MigrationStatus>> GetStatusAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var exists = new NpgsqlCommand($"SELECT to_regclass('{HistoryTable}') IS NOT NULL", connection);
        var applied = (bool)(await exists.ExecuteScalarAsync(cancellationToken))!
            ? await ReadAppliedAsync(connection, cancellationToken)
            : [];
        return _migrations.Select(m => new MigrationStatus(m.Version, m.Name, applied.TryGetValue(m.Version, out var a) ? a.AppliedAt : null)).ToList();
    }

    private async Task<int> UpAsync(NpgsqlConnection connection, int current, int target, CancellationToken cancellationToken)
    {
        var ran = 0;
        foreach (var migration in _migrations.Where(m => m.Version > current && m.Version <= target))
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await ExecuteAsync(connection, migration.UpSql, cancellationToken);
            await using (var record = new NpgsqlCommand($"INSERT INTO {HistoryTable} (version, name, checksum) VALUES ($1, $2, $3)", connection))
            {
                record.Parameters.Add(new() { Value = migration.Version });
                record.Parameters.Add(new() { Value = migration.Name });
                record.Parameters.Add(new() { Value = migration.Checksum });
                await record.ExecuteNonQueryAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
            ran++;
            AllixiosTelemetry.MigrationsApplied.Add(1, new KeyValuePair<string, object?>("direction", "up"));
            _logger.LogInformation(AllixiosLogEvents.MigrationApplied, "Applied migration {Version} {Name}.", migration.Version, migration.Name);
        }

        return ran;
    }

    private async Task<int> DownAsync(NpgsqlConnection connection, int current, int target, CancellationToken cancellationToken)
    {
        var ran = 0;
        foreach (var migration in _migrations.Where(m => m.Version > target && m.Version <= current).OrderByDescending(m => m.Version))
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await ExecuteAsync(connection, migration.DownSql, cancellationToken);
            await using (var forget = new NpgsqlCommand($"DELETE FROM {HistoryTable} WHERE version = $1", connection))
            {
                forget.Parameters.Add(new() { Value = migration.Version });
                await forget.ExecuteNonQueryAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
            ran++;
            AllixiosTelemetry.MigrationsApplied.Add(1, new KeyValuePair<string, object?>("direction", "down"));
            _logger.LogInformation(AllixiosLogEvents.MigrationRolledBack, "Rolled back migration {Version} {Name}.", migration.Version, migration.Name);
        }

        return ran;
    }

    private void Verify(Dictionary<int, (string Checksum, DateTimeOffset AppliedAt)> applied)
    {
        foreach (var (version, record) in applied.OrderBy(a => a.Key))
        {
            var known = _migrations.FirstOrDefault(m => m.Version == version)
                ?? throw new MigrationException($"The database has migration {version} applied, but this build knows only up to {LatestVersion}: run a newer build, or roll the database back with that newer build.");
            if (known.Checksum != record.Checksum)
            {
                throw new MigrationException($"Migration {version} '{known.Name}' was edited after it was applied (checksum {record.Checksum} in the database, {known.Checksum} in this build). Restore the original script and put the change in a new migration.");
            }
        }
    }

    private static async Task<Dictionary<int, (string Checksum, DateTimeOffset AppliedAt)>> ReadAppliedAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var applied = new Dictionary<int, (string, DateTimeOffset)>();
        await using var command = new NpgsqlCommand($"SELECT version, checksum, applied_at FROM {HistoryTable}", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            applied[reader.GetInt32(0)] = (reader.GetString(1), reader.GetFieldValue<DateTimeOffset>(2));
        }

        return applied;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

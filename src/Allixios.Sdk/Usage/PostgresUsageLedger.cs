using System.Text;
using Allixios.Storage;
using Npgsql;
using NpgsqlTypes;

namespace Allixios.Usage;

/// <summary>The production <see cref="IUsageLedger"/>: the <c>usage_ledger</c> table; analytics are one grouped query.</summary>
public sealed class PostgresUsageLedger(NpgsqlDataSource dataSource) : IUsageLedger
{
    private const string Columns = "entry_id, tenant_id, api_key_id, job_id, job_type, model, provider, input_tokens, output_tokens, cost, currency, latency_ms, outcome, at";

    private static readonly (UsageDimensions Dimension, string Column)[] Dimensions =
    [
        (UsageDimensions.Tenant, "tenant_id"),
        (UsageDimensions.ApiKey, "api_key_id"),
        (UsageDimensions.Model, "model"),
        (UsageDimensions.Provider, "provider"),
        (UsageDimensions.JobType, "job_type"),
        (UsageDimensions.Day, "date_trunc('day', at AT TIME ZONE 'UTC')::date"),
    ];

    /// <inheritdoc />
    public async ValueTask RecordAsync(UsageEntry entry, CancellationToken cancellationToken = default)
    {
        entry = UsageEntryValidation.Ensure(entry);
        // Every AI call writes one entry on its way back to the caller, so the write is one round trip: the scope's
        // BEGIN and settings, the INSERT and the COMMIT go together as one batch (a scope would take three).
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var batch = PostgresScope.CreateBatch(connection, entry.TenantId);
        var command = new NpgsqlBatchCommand($"INSERT INTO usage_ledger ({Columns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) ON CONFLICT (entry_id) DO NOTHING");
        command.Parameters.Add(new() { Value = entry.Id });
        command.Parameters.Add(new() { Value = entry.TenantId });
        command.Parameters.Add(Text(entry.ApiKeyId));
        command.Parameters.Add(new() { Value = (object?)entry.JobId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid });
        command.Parameters.Add(Text(entry.JobType));
        command.Parameters.Add(Text(entry.Model));
        command.Parameters.Add(Text(entry.Provider));
        command.Parameters.Add(new() { Value = entry.InputTokens });
        command.Parameters.Add(new() { Value = entry.OutputTokens });
        command.Parameters.Add(new() { Value = entry.Cost });
        command.Parameters.Add(new() { Value = entry.Currency });
        command.Parameters.Add(new() { Value = entry.Latency.TotalMilliseconds });
        command.Parameters.Add(new() { Value = UsageOutcomes.ToName(entry.Outcome) });
        command.Parameters.Add(new() { Value = entry.At.ToUniversalTime(), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        batch.BatchCommands.Add(command);
        PostgresScope.AddCommit(batch);
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<UsageEntry>> ListAsync(UsageQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var scope = await OpenAsync(query, cancellationToken);
        await using var command = scope.CreateCommand(string.Empty);
        var where = Where(query, command);
        if (query.Before is { } before)
        {
            command.Parameters.Add(new NpgsqlParameter("before", before));
            where.Append(" AND (at, entry_id) < (SELECT at, entry_id FROM usage_ledger WHERE entry_id = @before)");
        }

        command.Parameters.Add(new NpgsqlParameter("limit", query.Limit));
        command.CommandText = $"SELECT {Columns} FROM usage_ledger WHERE {where} ORDER BY at DESC, entry_id DESC LIMIT @limit";
        var entries = new List<UsageEntry>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            entries.Add(new UsageEntry(
                reader.GetGuid(0),
                reader.GetString(1),
                reader.GetFieldValue<DateTimeOffset>(13),
                reader.GetDecimal(9),
                reader.GetString(10),
                UsageOutcomes.Parse(reader.GetString(12)) ?? UsageOutcome.Failed)
            {
                ApiKeyId = reader.IsDBNull(2) ? null : reader.GetString(2),
                JobId = reader.IsDBNull(3) ? null : reader.GetGuid(3),
                JobType = reader.IsDBNull(4) ? null : reader.GetString(4),
                Model = reader.IsDBNull(5) ? null : reader.GetString(5),
                Provider = reader.IsDBNull(6) ? null : reader.GetString(6),
                InputTokens = reader.GetInt64(7),
                OutputTokens = reader.GetInt64(8),
                Latency = TimeSpan.FromMilliseconds(reader.GetDouble(11)),
            });
        }

        return entries;
    }

    /// <inheritdoc />
    public async ValueTask<int> DeleteOlderThanAsync(DateTimeOffset cutoff, int batchSize, CancellationToken cancellationToken = default)
    {
        UsageEntryValidation.EnsureRetentionBatch(batchSize);
        await using var scope = await PostgresScope.ForSystemAsync(dataSource, cancellationToken);
        // Oldest first through usage_ledger_at_idx, a batch at a time, so no statement holds many row locks.
        await using var command = scope.CreateCommand(
            "DELETE FROM usage_ledger WHERE entry_id IN (SELECT entry_id FROM usage_ledger WHERE at < $1 ORDER BY at LIMIT $2)");
        command.Parameters.Add(new() { Value = cutoff.ToUniversalTime(), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new() { Value = batchSize });
        var deleted = await command.ExecuteNonQueryAsync(cancellationToken);
        await scope.CommitAsync(cancellationToken);
        return deleted;
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<UsageSummary>> SummarizeAsync(UsageQuery query, UsageDimensions groupBy, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var scope = await OpenAsync(query, cancellationToken);
        await using var command = scope.CreateCommand(string.Empty);
        var where = Where(query, command);
        var keys = Dimensions.Select(d => groupBy.HasFlag(d.Dimension) ? d.Column : "NULL").ToList();
        var grouped = Dimensions.Where(d => groupBy.HasFlag(d.Dimension)).Select(d => d.Column).Append("currency").ToList();
        // COLLATE "C" orders as .NET's ordinal comparison does; NULLS FIRST as .NET puts null first.
        var order = Dimensions.Where(d => groupBy.HasFlag(d.Dimension))
            .Select(d => d.Dimension == UsageDimensions.Day ? d.Column + " NULLS FIRST" : d.Column + " COLLATE \"C\" NULLS FIRST")
            .Append("currency COLLATE \"C\"");
        command.CommandText = $"""
            SELECT {string.Join(", ", keys)}, currency, count(*), count(*) FILTER (WHERE outcome <> 'succeeded'),
                   sum(input_tokens)::bigint, sum(output_tokens)::bigint, sum(cost), avg(latency_ms)
            FROM usage_ledger WHERE {where}
            GROUP BY {string.Join(", ", grouped)}
            ORDER BY {string.Join(", ", order)}
            """;
        var rows = new List<UsageSummary>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new UsageSummary(reader.GetString(6), reader.GetInt64(7), reader.GetInt64(8), reader.GetInt64(9), reader.GetInt64(10), reader.GetDecimal(11), TimeSpan.FromMilliseconds(reader.GetDouble(12)))
            {
                TenantId = reader.IsDBNull(0) ? null : reader.GetString(0),
                ApiKeyId = reader.IsDBNull(1) ? null : reader.GetString(1),
                Model = reader.IsDBNull(2) ? null : reader.GetString(2),
                Provider = reader.IsDBNull(3) ? null : reader.GetString(3),
                JobType = reader.IsDBNull(4) ? null : reader.GetString(4),
                Day = reader.IsDBNull(5) ? null : DateOnly.FromDateTime(reader.GetDateTime(5)),
            });
        }

        return rows;
    }

    private Task<PostgresScope> OpenAsync(UsageQuery query, CancellationToken cancellationToken) => query.TenantId is { } tenant
        ? PostgresScope.ForTenantAsync(dataSource, tenant, cancellationToken)
        : PostgresScope.ForSystemAsync(dataSource, cancellationToken);

    private static StringBuilder Where(UsageQuery q, NpgsqlCommand command)
    {
        var where = new StringBuilder("TRUE");
        void Filter(string column, string name, object? value, NpgsqlDbType type, string op = "=")
        {
            if (value is not null)
            {
                command.Parameters.Add(new NpgsqlParameter(name, type) { Value = value });
                where.Append($" AND {column} {op} @{name}");
            }
        }

        Filter("tenant_id", "tenant", q.TenantId, NpgsqlDbType.Text);
        Filter("at", "from", q.From?.ToUniversalTime(), NpgsqlDbType.TimestampTz, ">=");
        Filter("at", "to", q.To?.ToUniversalTime(), NpgsqlDbType.TimestampTz, "<");
        Filter("api_key_id", "key", q.ApiKeyId, NpgsqlDbType.Text);
        Filter("model", "model", q.Model, NpgsqlDbType.Text);
        Filter("provider", "provider", q.Provider, NpgsqlDbType.Text);
        Filter("job_type", "job_type", q.JobType, NpgsqlDbType.Text);
        return where;
    }

    private static NpgsqlParameter Text(string? value) => new() { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text };
}

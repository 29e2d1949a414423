using System.Text;
using Allixios.Storage;
using Npgsql;
using NpgsqlTypes;

namespace Allixios.Quality;

/// <summary>The production <see cref="IQualityLedger"/>: the <c>quality_scores</c> table (migration 0011); a summary is one grouped query.</summary>
public sealed class PostgresQualityLedger(NpgsqlDataSource dataSource) : IQualityLedger
{
    /// <inheritdoc />
    public async ValueTask RecordAsync(QualityRecord record, CancellationToken cancellationToken = default)
    {
        record = QualityRecordValidation.Ensure(record);
        await using var scope = await PostgresScope.ForTenantAsync(dataSource, record.TenantId, cancellationToken);
        await using var command = scope.CreateCommand(
            "INSERT INTO quality_scores (score_id, tenant_id, job_id, job_type, model, deployment_id, score, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (score_id) DO NOTHING");
        command.Parameters.Add(new() { Value = record.Id });
        command.Parameters.Add(new() { Value = record.TenantId });
        command.Parameters.Add(new() { Value = (object?)record.JobId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid });
        command.Parameters.Add(Text(record.JobType));
        command.Parameters.Add(new() { Value = record.Model });
        command.Parameters.Add(Text(record.DeploymentId));
        command.Parameters.Add(new() { Value = record.Score });
        command.Parameters.Add(new() { Value = record.At.ToUniversalTime(), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        await command.ExecuteNonQueryAsync(cancellationToken);
        await scope.CommitAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<QualitySummary>> SummarizeAsync(QualityQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var scope = query.TenantId is { } tenant
            ? await PostgresScope.ForTenantAsync(dataSource, tenant, cancellationToken)
            : await PostgresScope.ForSystemAsync(dataSource, cancellationToken);
        await using var command = scope.CreateCommand(string.Empty);
        var where = new StringBuilder("TRUE");
        void Filter(string column, string name, object? value, NpgsqlDbType type, string op = "=")
        {
            if (value is not null)
            {
                command.Parameters.Add(new NpgsqlParameter(name, type) { Value = value });
                where.Append($" AND {column} {op} @{name}");
            }
        }

        Filter("tenant_id", "tenant", query.TenantId, NpgsqlDbType.Text);
        Filter("at", "from", query.From?.ToUniversalTime(), NpgsqlDbType.TimestampTz, ">=");
        Filter("at", "to", query.To?.ToUniversalTime(), NpgsqlDbType.TimestampTz, "<");
        Filter("job_type", "job_type", query.JobType, NpgsqlDbType.Text);
        Filter("model", "model", query.Model, NpgsqlDbType.Text);
        // COLLATE "C" orders as .NET's ordinal comparison does; NULLS FIRST as .NET puts null first.
        command.CommandText = $"""
            SELECT job_type, model, count(*), avg(score), min(score)
            FROM quality_scores WHERE {where}
            GROUP BY job_type, model
            ORDER BY job_type COLLATE "C" NULLS FIRST, model COLLATE "C"
            """;
        var rows = new List<QualitySummary>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new QualitySummary(reader.IsDBNull(0) ? null : reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetDouble(3), reader.GetDouble(4)));
        }

        return rows;
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<QualityRecord>> LatestByModelAsync(IReadOnlyCollection<string> models, int perModel, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(models);
        ArgumentOutOfRangeException.ThrowIfLessThan(perModel, 1);
        var names = models.Select(m => m.ToLowerInvariant()).Distinct(StringComparer.Ordinal).ToArray();
        if (names.Length == 0)
        {
            return [];
        }

        // One index range scan per model (quality_scores_model_at_idx, migration 0021), so the read stays bounded
        // however long the ledger grows.
        await using var scope = await PostgresScope.ForSystemAsync(dataSource, cancellationToken);
        await using var command = scope.CreateCommand(
            """
            SELECT s.score_id, s.tenant_id, s.at, s.model, s.score, s.deployment_id, s.job_id, s.job_type
            FROM unnest($1::text[]) AS m(name)
            CROSS JOIN LATERAL (
                SELECT q.* FROM quality_scores q WHERE lower(q.model) = m.name
                ORDER BY lower(q.model), q.at DESC, q.score_id DESC LIMIT $2) s
            ORDER BY s.at, s.score_id
            """);
        command.Parameters.Add(new() { Value = names, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = perModel });
        var rows = new List<QualityRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new QualityRecord(reader.GetGuid(0), reader.GetString(1), reader.GetFieldValue<DateTimeOffset>(2), reader.GetString(3), reader.GetDouble(4))
            {
                DeploymentId = reader.IsDBNull(5) ? null : reader.GetString(5),
                JobId = reader.IsDBNull(6) ? null : reader.GetGuid(6),
                JobType = reader.IsDBNull(7) ? null : reader.GetString(7),
            });
        }

        return rows;
    }

    private static NpgsqlParameter Text(string? value) => new() { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text };
}

using System.Text.Json;
using Allixios.Search.Hybrid;
using Allixios.Storage;
using Npgsql;
using NpgsqlTypes;

namespace Allixios.Search.Analytics;

/// <summary>
/// The production <see cref="ISearchAnalyticsStore"/>: the tables of migration 0013, each call in a
/// <see cref="PostgresScope"/> for its tenant under FORCE'd row-level security. Reports aggregate the log when asked.
/// </summary>
public sealed class PostgresSearchAnalyticsStore(NpgsqlDataSource dataSource) : ISearchAnalyticsStore
{
    private static readonly JsonSerializerOptions ArmJson = new(JsonSerializerDefaults.Web);

    /// <inheritdoc />
    public async ValueTask RecordQueryAsync(string tenantId, SearchQueryLogEntry entry, CancellationToken cancellationToken = default)
    {
        SearchAnalyticsInput.Tenant(tenantId);
        SearchAnalyticsInput.Query(entry);
        await using var scope = await PostgresScope.ForTenantAsync(dataSource, tenantId, cancellationToken);
        await using var command = scope.CreateCommand(
            """
            INSERT INTO search_query_log (tenant_id, query_id, query_text, normalized, mode, result_count, latency_ms, experiment_id, arm, user_id, occurred_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
            ON CONFLICT (tenant_id, query_id) DO NOTHING
            """);
        command.Parameters.Add(new() { Value = tenantId });
        command.Parameters.Add(new() { Value = entry.QueryId });
        command.Parameters.Add(new() { Value = entry.Text });
        command.Parameters.Add(new() { Value = entry.NormalizedText });
        command.Parameters.Add(new() { Value = ModeName(entry.Mode) });
        command.Parameters.Add(new() { Value = entry.ResultCount });
        command.Parameters.Add(new() { Value = entry.Latency.TotalMilliseconds });
        command.Parameters.Add(new() { Value = (object?)entry.ExperimentId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = (object?)entry.Arm ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = (object?)entry.UserId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = entry.At.ToUniversalTime() });
        await command.ExecuteNonQueryAsync(cancellationToken);
        await scope.CommitAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask<SearchQueryLogEntry?> GetQueryAsync(string tenantId, Guid queryId, CancellationToken cancellationToken = default)
    {
        SearchAnalyticsInput.Tenant(tenantId);
        await using var scope = await PostgresScope.ForTenantAsync(dataSource, tenantId, cancellationToken);
        await using var command = scope.CreateCommand($"{SelectQueries} WHERE tenant_id = $1 AND query_id = $2");
        command.Parameters.Add(new() { Value = tenantId });
        command.Parameters.Add(new() { Value = queryId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadQuery(reader) : null;
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<SearchQueryLogEntry>> ListQueriesAsync(string tenantId, DateTimeOffset since, DateTimeOffset until, int limit, CancellationToken cancellationToken = default)
    {
        SearchAnalyticsInput.Tenant(tenantId);
        SearchAnalyticsInput.Window(since, until);
        SearchAnalyticsInput.Top(limit);
        await using var scope = await PostgresScope.ForTenantAsync(dataSource, tenantId, cancellationToken);
        await using var command = scope.CreateCommand($"{SelectQueries} WHERE tenant_id = $1 AND occurred_at >= $2 AND occurred_at < $3 ORDER BY occurred_at DESC, query_id LIMIT $4");
        command.Parameters.Add(new() { Value = tenantId });
        command.Parameters.Add(new() { Value = since.ToUniversalTime() });
        command.Parameters.Add(new() { Value = until.ToUniversalTime() });
        command.Parameters.Add(new() { Value = limit });
        var list = new List<SearchQueryLogEntry>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(ReadQuery(reader));
        }

        return list;
    }

    /// <inheritdoc />
    public async ValueTask<bool> RecordClickAsync(string tenantId, SearchClick click, CancellationToken cancellationToken = default)
    {
        SearchAnalyticsInput.Tenant(tenantId);
        SearchAnalyticsInput.Click(click);
        await using var scope = await PostgresScope.ForTenantAsync(dataSource, tenantId, cancellationToken);
        await using var command = scope.CreateCommand(
            """
            INSERT INTO search_clicks (tenant_id, query_id, document_id, position, occurred_at)
            SELECT $1, $2, $3, $4, $5 WHERE EXISTS (SELECT 1 FROM search_query_log WHERE tenant_id = $1 AND query_id = $2)
            ON CONFLICT (tenant_id, query_id, document_id) DO NOTHING
            RETURNING 1
            """);
        command.Parameters.Add(new() { Value = tenantId });
        command.Parameters.Add(new() { Value = click.QueryId });
        command.Parameters.Add(new() { Value = click.DocumentId });
        command.Parameters.Add(new() { Value = click.Position });
        command.Parameters.Add(new() { Value = click.At.ToUniversalTime() });
        var recorded = await command.ExecuteScalarAsync(cancellationToken) is not null;
        if (!recorded)
        {
            await using var exists = scope.CreateCommand("SELECT EXISTS (SELECT 1 FROM search_query_log WHERE tenant_id = $1 AND query_id = $2)");
            exists.Parameters.Add(new() { Value = tenantId });
            exists.Parameters.Add(new() { Value = click.QueryId });
            if (!(bool)(await exists.ExecuteScalarAsync(cancellationToken))!)
            {
                throw InMemorySearchAnalyticsStore.QueryNotFound(click.QueryId);
            }
        }

        await scope.CommitAsync(cancellationToken);
        return recorded;
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<QueryStats>> GetQueryStatsAsync(string tenantId, QueryStatsRequest request, CancellationToken cancellationToken = default)
    {
        SearchAnalyticsInput.Tenant(tenantId);
        SearchAnalyticsInput.Stats(request);

        // Ordered as InMemorySearchAnalyticsStore.Order does; COLLATE "C" is ordinal, the rate the same IEEE division.
        var (having, order) = request.Order switch
        {
            QueryStatsOrder.ZeroResults => ("HAVING count(*) FILTER (WHERE q.result_count = 0) > 0", "zero DESC, searches DESC, query COLLATE \"C\""),
            QueryStatsOrder.ClickThroughRate => (string.Empty, "clicked::float8 / searches DESC, searches DESC, query COLLATE \"C\""),
            _ => (string.Empty, "searches DESC, query COLLATE \"C\""),
        };
        await using var scope = await PostgresScope.ForTenantAsync(dataSource, tenantId, cancellationToken);
        await using var command = scope.CreateCommand(
            $"""
            SELECT query, searches, zero, clicked, clicks FROM (
                SELECT q.normalized AS query,
                       count(*) AS searches,
                       count(*) FILTER (WHERE q.result_count = 0) AS zero,
                       count(*) FILTER (WHERE c.clicks > 0) AS clicked,
                       coalesce(sum(c.clicks), 0)::bigint AS clicks
                FROM search_query_log q
                LEFT JOIN LATERAL (SELECT count(*) AS clicks FROM search_clicks k WHERE k.tenant_id = q.tenant_id AND k.query_id = q.query_id) c ON true
                WHERE q.tenant_id = $1 AND q.occurred_at >= $2 AND q.occurred_at < $3
                GROUP BY q.normalized
                {having}) s
            ORDER BY {order}
            LIMIT $4
            """);
        command.Parameters.Add(new() { Value = tenantId });
        command.Parameters.Add(new() { Value = request.From.ToUniversalTime() });
        command.Parameters.Add(new() { Value = request.To.ToUniversalTime() });
        command.Parameters.Add(new() { Value = request.Top });
        var list = new List<QueryStats>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new QueryStats(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4)));
        }

        return list;
    }

    /// <inheritdoc />
    public async ValueTask RecordInteractionAsync(string tenantId, SearchInteraction interaction, CancellationToken cancellationToken = default)
    {
        SearchAnalyticsInput.Tenant(tenantId);
        SearchAnalyticsInput.Interaction(interaction);
        await using var scope = await PostgresScope.ForTenantAsync(dataSource, tenantId, cancellationToken);
        await using var command = scope.CreateCommand("INSERT INTO search_interactions (tenant_id, user_id, document_id, kind, occurred_at) VALUES ($1, $2, $3, $4, $5)");
        command.Parameters.Add(new() { Value = tenantId });
        command.Parameters.Add(new() { Value = interaction.UserId });
        command.Parameters.Add(new() { Value = interaction.DocumentId });
        command.Parameters.Add(new() { Value = interaction.Kind == InteractionKind.Click ? "click" : "view" });
        command.Parameters.Add(new() { Value = interaction.At.ToUniversalTime() });
        await command.ExecuteNonQueryAsync(cancellationToken);
        await scope.CommitAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask<CoOccurrences> GetCoOccurrencesAsync(string tenantId, string documentId, DateTimeOffset since, int limit, CancellationToken cancellationToken = default)
    {
        SearchAnalyticsInput.Tenant(tenantId);
        SearchAnalyticsInput.DocumentId(documentId);
        SearchAnalyticsInput.Top(limit);
        await using var scope = await PostgresScope.ForTenantAsync(dataSource, tenantId, cancellationToken);
        await using var command = scope.CreateCommand(
            """
            WITH recent AS (
                SELECT DISTINCT user_id, document_id FROM search_interactions WHERE tenant_id = $1 AND occurred_at >= $3),
            source AS (SELECT user_id FROM recent WHERE document_id = $2),
            shared AS (
                SELECT r.document_id, count(*) AS shared_users
                FROM recent r JOIN source s ON s.user_id = r.user_id
                WHERE r.document_id <> $2
                GROUP BY r.document_id
                ORDER BY shared_users DESC, r.document_id
                LIMIT $4)
            SELECT (SELECT count(*) FROM source), sh.document_id, sh.shared_users,
                   (SELECT count(*) FROM recent r WHERE r.document_id = sh.document_id)
            FROM (SELECT 1) one LEFT JOIN shared sh ON true
            ORDER BY sh.shared_users DESC, sh.document_id
            """);
        command.Parameters.Add(new() { Value = tenantId });
        command.Parameters.Add(new() { Value = documentId });
        command.Parameters.Add(new() { Value = since.ToUniversalTime() });
        command.Parameters.Add(new() { Value = limit });
        long sourceUsers = 0;
        var documents = new List<CoOccurrence>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            sourceUsers = reader.GetInt64(0);
            if (!reader.IsDBNull(1))
            {
                documents.Add(new CoOccurrence(reader.GetString(1), reader.GetInt64(2), reader.GetInt64(3)));
            }
        }

        return new CoOccurrences(sourceUsers, documents);
    }

    /// <inheritdoc />
    public async ValueTask CreateExperimentAsync(string tenantId, SearchExperiment experiment, CancellationToken cancellationToken = default)
    {
        SearchAnalyticsInput.Tenant(tenantId);
        SearchAnalyticsInput.Experiment(experiment);
        await using var scope = await PostgresScope.ForTenantAsync(dataSource, tenantId, cancellationToken);
        await using var command = scope.CreateCommand(
            "INSERT INTO search_experiments (tenant_id, experiment_id, name, arms, status, created_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING");
        command.Parameters.Add(new() { Value = tenantId });
        command.Parameters.Add(new() { Value = experiment.Id });
        command.Parameters.Add(new() { Value = experiment.Name });
        command.Parameters.Add(new() { Value = JsonSerializer.Serialize(experiment.Arms.Select(StoredArm.From).ToList(), ArmJson), NpgsqlDbType = NpgsqlDbType.Jsonb });
        command.Parameters.Add(new() { Value = StatusName(experiment.Status) });
        command.Parameters.Add(new() { Value = experiment.CreatedAt.ToUniversalTime() });
        if (await command.ExecuteNonQueryAsync(cancellationToken) == 0)
        {
            throw AllixiosException.Exists("search_experiment_exists", $"The tenant already has an experiment '{experiment.Id}'; choose another id or delete that one first.");
        }

        await scope.CommitAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask<SearchExperiment?> GetExperimentAsync(string tenantId, string experimentId, CancellationToken cancellationToken = default)
    {
        SearchAnalyticsInput.Tenant(tenantId);
        SearchAnalyticsInput.ExperimentId(experimentId);
        await using var scope = await PostgresScope.ForTenantAsync(dataSource, tenantId, cancellationToken);
        return await ReadExperimentAsync(scope, tenantId, experimentId, cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<SearchExperiment>> ListExperimentsAsync(string tenantId, CancellationToken cancellationToken = default)
    {
        SearchAnalyticsInput.Tenant(tenantId);
        await using var scope = await PostgresScope.ForTenantAsync(dataSource, tenantId, cancellationToken);
        await using var command = scope.CreateCommand($"{SelectExperiments} WHERE tenant_id = $1 ORDER BY experiment_id");
        command.Parameters.Add(new() { Value = tenantId });
        var list = new List<SearchExperiment>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(ReadExperiment(reader));
        }

        return list;
    }

    /// <inheritdoc />
    public async ValueTask<SearchExperiment> UpdateExperimentAsync(string tenantId, string experimentId, string? name, ExperimentStatus? status, CancellationToken cancellationToken = default)
    {
        SearchAnalyticsInput.Tenant(tenantId);
        SearchAnalyticsInput.ExperimentId(experimentId);
        if (name is not null)
        {
            SearchAnalyticsInput.ExperimentName(name);
        }

        if (status is { } s && !Enum.IsDefined(s))
        {
            throw AllixiosException.Invalid("search_experiment_status_invalid", $"Experiment status {(int)s} is not known; use running or stopped.");
        }

        await using var scope = await PostgresScope.ForTenantAsync(dataSource, tenantId, cancellationToken);
        await using (var command = scope.CreateCommand("UPDATE search_experiments SET name = coalesce($3, name), status = coalesce($4, status) WHERE tenant_id = $1 AND experiment_id = $2"))
        {
            command.Parameters.Add(new() { Value = tenantId });
            command.Parameters.Add(new() { Value = experimentId });
            command.Parameters.Add(new() { Value = (object?)name ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
            command.Parameters.Add(new() { Value = status is { } st ? StatusName(st) : DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
            if (await command.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                throw InMemorySearchAnalyticsStore.ExperimentNotFound(experimentId);
            }
        }

        var updated = (await ReadExperimentAsync(scope, tenantId, experimentId, cancellationToken))!;
        await scope.CommitAsync(cancellationToken);
        return updated;
    }

    /// <inheritdoc />
    public async ValueTask<bool> DeleteExperimentAsync(string tenantId, string experimentId, CancellationToken cancellationToken = default)
    {
        SearchAnalyticsInput.Tenant(tenantId);
        SearchAnalyticsInput.ExperimentId(experimentId);
        await using var scope = await PostgresScope.ForTenantAsync(dataSource, tenantId, cancellationToken);
        await using var command = scope.CreateCommand("DELETE FROM search_experiments WHERE tenant_id = $1 AND experiment_id = $2");
        command.Parameters.Add(new() { Value = tenantId });
        command.Parameters.Add(new() { Value = experimentId });
        var deleted = await command.ExecuteNonQueryAsync(cancellationToken) > 0;
        await scope.CommitAsync(cancellationToken);
        return deleted;
    }

    /// <inheritdoc />
    public async ValueTask<int> DeleteOlderThanAsync(DateTimeOffset cutoff, int batchSize, CancellationToken cancellationToken = default)
    {
        SearchAnalyticsInput.RetentionBatch(batchSize);
        await using var scope = await PostgresScope.ForSystemAsync(dataSource, cancellationToken);
        // Oldest first through the age indexes of migration 0019; clicks go with their query (ON DELETE CASCADE).
        await using var command = scope.CreateCommand(
            """
            WITH q AS (
                DELETE FROM search_query_log WHERE (tenant_id, query_id) IN (
                    SELECT tenant_id, query_id FROM search_query_log WHERE occurred_at < $1 ORDER BY occurred_at LIMIT $2)
                RETURNING 1),
            i AS (
                DELETE FROM search_interactions WHERE (tenant_id, interaction_id) IN (
                    SELECT tenant_id, interaction_id FROM search_interactions WHERE occurred_at < $1 ORDER BY occurred_at LIMIT $2)
                RETURNING 1)
            SELECT (SELECT count(*) FROM q) + (SELECT count(*) FROM i)
            """);
        command.Parameters.Add(new() { Value = cutoff.ToUniversalTime() });
        command.Parameters.Add(new() { Value = batchSize });
        var deleted = (long)(await command.ExecuteScalarAsync(cancellationToken))!;
        await scope.CommitAsync(cancellationToken);
        return (int)deleted;
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<ExperimentArmResult>> GetExperimentResultsAsync(string tenantId, string experimentId, CancellationToken cancellationToken = default)
    {
        SearchAnalyticsInput.Tenant(tenantId);
        SearchAnalyticsInput.ExperimentId(experimentId);
        await using var scope = await PostgresScope.ForTenantAsync(dataSource, tenantId, cancellationToken);
        var experiment = await ReadExperimentAsync(scope, tenantId, experimentId, cancellationToken) ?? throw InMemorySearchAnalyticsStore.ExperimentNotFound(experimentId);
        await using var command = scope.CreateCommand(
            """
            SELECT q.arm, count(*), count(*) FILTER (WHERE c.clicks > 0), coalesce(sum(c.clicks), 0)::bigint
            FROM search_query_log q
            LEFT JOIN LATERAL (SELECT count(*) AS clicks FROM search_clicks k WHERE k.tenant_id = q.tenant_id AND k.query_id = q.query_id) c ON true
            WHERE q.tenant_id = $1 AND q.experiment_id = $2
            GROUP BY q.arm
            """);
        command.Parameters.Add(new() { Value = tenantId });
        command.Parameters.Add(new() { Value = experimentId });
        var byArm = new Dictionary<string, ExperimentArmResult>(StringComparer.Ordinal);
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var arm = reader.GetString(0);
                byArm[arm] = new ExperimentArmResult(arm, reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3));
            }
        }

        return experiment.Arms.Select(a => byArm.GetValueOrDefault(a.Name) ?? new ExperimentArmResult(a.Name, 0, 0, 0)).ToList();
    }

    private const string SelectQueries =
        "SELECT query_id, query_text, mode, result_count, latency_ms, experiment_id, arm, user_id, occurred_at FROM search_query_log";

    private const string SelectExperiments = "SELECT experiment_id, name, arms::text, status, created_at FROM search_experiments";

    private static SearchQueryLogEntry ReadQuery(NpgsqlDataReader reader) => new(
        reader.GetGuid(0),
        reader.GetString(1),
        ParseMode(reader.GetString(2)),
        reader.GetInt64(3),
        TimeSpan.FromTicks((long)Math.Round(reader.GetDouble(4) * TimeSpan.TicksPerMillisecond)),
        reader.GetFieldValue<DateTimeOffset>(8))
    {
        ExperimentId = reader.IsDBNull(5) ? null : reader.GetString(5),
        Arm = reader.IsDBNull(6) ? null : reader.GetString(6),
        UserId = reader.IsDBNull(7) ? null : reader.GetString(7),
    };

    private static async ValueTask<SearchExperiment?> ReadExperimentAsync(PostgresScope scope, string tenantId, string experimentId, CancellationToken cancellationToken)
    {
        await using var command = scope.CreateCommand($"{SelectExperiments} WHERE tenant_id = $1 AND experiment_id = $2");
        command.Parameters.Add(new() { Value = tenantId });
        command.Parameters.Add(new() { Value = experimentId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadExperiment(reader) : null;
    }

    private static SearchExperiment ReadExperiment(NpgsqlDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        JsonSerializer.Deserialize<List<StoredArm>>(reader.GetString(2), ArmJson)!.Select(a => a.ToArm()).ToList(),
        reader.GetString(3) == "stopped" ? ExperimentStatus.Stopped : ExperimentStatus.Running,
        reader.GetFieldValue<DateTimeOffset>(4));

    private static string ModeName(SearchMode mode) => mode switch
    {
        SearchMode.Semantic => "semantic",
        SearchMode.Hybrid => "hybrid",
        _ => "lexical",
    };

    private static SearchMode ParseMode(string mode) => mode switch
    {
        "semantic" => SearchMode.Semantic,
        "hybrid" => SearchMode.Hybrid,
        _ => SearchMode.Lexical,
    };

    private static string StatusName(ExperimentStatus status) => status == ExperimentStatus.Stopped ? "stopped" : "running";

    /// <summary>An arm as its JSON column holds it: names for the enums, so the column reads well and survives reordering.</summary>
    private sealed record StoredArm(string Name, double Weight, string Mode, string? Fusion, double? LexicalWeight, int? RrfK)
    {
        public static StoredArm From(ExperimentArm arm) => new(
            arm.Name,
            arm.Weight,
            ModeName(arm.Ranking.Mode),
            arm.Ranking.Fusion switch { FusionMethod.WeightedScores => "weighted", FusionMethod.ReciprocalRank => "rrf", _ => null },
            arm.Ranking.LexicalWeight,
            arm.Ranking.RrfK);

        public ExperimentArm ToArm() => new(Name, Weight, new RankingConfig(ParseMode(Mode))
        {
            Fusion = Fusion switch { "weighted" => FusionMethod.WeightedScores, "rrf" => FusionMethod.ReciprocalRank, _ => null },
            LexicalWeight = LexicalWeight,
            RrfK = RrfK,
        });
    }
}

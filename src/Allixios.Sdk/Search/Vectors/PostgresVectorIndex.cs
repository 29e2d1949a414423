using System.Collections.Concurrent;
using System.Globalization;
using Allixios.Storage;
using Npgsql;
using Pgvector;

namespace Allixios.Search.Vectors;

/// <summary>
/// The production <see cref="IVectorIndex"/>: pgvector, in the <c>search_vectors</c> table of migration 0008, with an
/// HNSW index (cosine) per dimension in use, made on first use of a dimension (at most 2,000; larger vectors are
/// searched exactly). Searches scan the HNSW index iteratively (pgvector's <c>hnsw.iterative_scan</c>), so a tenant
/// whose vectors are few among many other tenants' still gets its k nearest, and a query restricted to given documents
/// is answered exactly. Every call runs in a <see cref="PostgresScope"/> for its tenant, under FORCE'd row-level security.
/// </summary>
public sealed class PostgresVectorIndex(NpgsqlDataSource dataSource) : IVectorIndex
{
    /// <summary>The largest dimension pgvector's HNSW indexes take for <c>vector</c>.</summary>
    private const int MaxHnswDimensions = 2000;

    private readonly ConcurrentDictionary<int, Lazy<Task>> _hnswIndexes = new();

    /// <inheritdoc />
    public async ValueTask UpsertAsync(string tenantId, string indexName, IReadOnlyCollection<VectorRecord> records, CancellationToken cancellationToken = default)
    {
        VectorIndexInput.Tenant(tenantId);
        VectorIndexInput.IndexName(indexName);
        var dimensions = VectorIndexInput.Records(records);
        await EnsureHnswAsync(dimensions, cancellationToken);

        await using var scope = await PostgresScope.ForTenantAsync(dataSource, tenantId, cancellationToken);

        // The index row is taken FOR UPDATE, so concurrent first upserts of different dimensions cannot both win and a
        // concurrent drop waits; an index left empty takes the dimension of its next vectors, as in memory.
        await using (var insert = scope.CreateCommand("INSERT INTO search_vector_indexes (tenant_id, index_name, dimensions) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING"))
        {
            insert.Parameters.Add(new() { Value = tenantId });
            insert.Parameters.Add(new() { Value = indexName });
            insert.Parameters.Add(new() { Value = dimensions });
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var register = scope.CreateCommand(
            """
            SELECT i.dimensions, EXISTS (SELECT 1 FROM search_vectors v WHERE v.tenant_id = $1 AND v.index_name = $2)
            FROM search_vector_indexes i WHERE i.tenant_id = $1 AND i.index_name = $2 FOR UPDATE
            """))
        {
            register.Parameters.Add(new() { Value = tenantId });
            register.Parameters.Add(new() { Value = indexName });
            int current;
            bool hasVectors;
            await using (var reader = await register.ExecuteReaderAsync(cancellationToken))
            {
                await reader.ReadAsync(cancellationToken);
                current = reader.GetInt32(0);
                hasVectors = reader.GetBoolean(1);
            }

            if (current != dimensions)
            {
                if (hasVectors)
                {
                    VectorIndexInput.SameDimensions(current, dimensions, "the batch");
                }

                await using var change = scope.CreateCommand("UPDATE search_vector_indexes SET dimensions = $3 WHERE tenant_id = $1 AND index_name = $2");
                change.Parameters.Add(new() { Value = tenantId });
                change.Parameters.Add(new() { Value = indexName });
                change.Parameters.Add(new() { Value = dimensions });
                await change.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        await using (var batch = new NpgsqlBatch(scope.Connection, scope.Transaction))
        {
            foreach (var record in records)
            {
                var command = new NpgsqlBatchCommand(
                    """
                    INSERT INTO search_vectors (tenant_id, index_name, document_id, dimensions, embedding) VALUES ($1, $2, $3, $4, $5)
                    ON CONFLICT (tenant_id, index_name, document_id) DO UPDATE SET dimensions = EXCLUDED.dimensions, embedding = EXCLUDED.embedding
                    """);
                command.Parameters.Add(new() { Value = tenantId });
                command.Parameters.Add(new() { Value = indexName });
                command.Parameters.Add(new() { Value = record.DocumentId });
                command.Parameters.Add(new() { Value = dimensions });
                command.Parameters.Add(new() { Value = new Vector(record.Vector) });
                batch.BatchCommands.Add(command);
            }

            await batch.ExecuteNonQueryAsync(cancellationToken);
        }

        await scope.CommitAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask<int> DeleteAsync(string tenantId, string indexName, IReadOnlyCollection<string> documentIds, CancellationToken cancellationToken = default)
    {
        VectorIndexInput.Tenant(tenantId);
        VectorIndexInput.IndexName(indexName);
        VectorIndexInput.DocumentIds(documentIds);
        if (documentIds.Count == 0)
        {
            return 0;
        }

        await using var scope = await PostgresScope.ForTenantAsync(dataSource, tenantId, cancellationToken);
        await using var command = scope.CreateCommand("DELETE FROM search_vectors WHERE tenant_id = $1 AND index_name = $2 AND document_id = ANY($3)");
        command.Parameters.Add(new() { Value = tenantId });
        command.Parameters.Add(new() { Value = indexName });
        command.Parameters.Add(new() { Value = documentIds.ToArray() });
        var removed = await command.ExecuteNonQueryAsync(cancellationToken);
        await scope.CommitAsync(cancellationToken);
        return removed;
    }

    /// <inheritdoc />
    public async ValueTask<int> DropIndexAsync(string tenantId, string indexName, CancellationToken cancellationToken = default)
    {
        VectorIndexInput.Tenant(tenantId);
        VectorIndexInput.IndexName(indexName);
        await using var scope = await PostgresScope.ForTenantAsync(dataSource, tenantId, cancellationToken);
        await using var command = scope.CreateCommand(
            """
            WITH gone AS (DELETE FROM search_vectors WHERE tenant_id = $1 AND index_name = $2 RETURNING 1),
                 dropped AS (DELETE FROM search_vector_indexes WHERE tenant_id = $1 AND index_name = $2)
            SELECT count(*)::int FROM gone
            """);
        command.Parameters.Add(new() { Value = tenantId });
        command.Parameters.Add(new() { Value = indexName });
        var removed = (int)(await command.ExecuteScalarAsync(cancellationToken))!;
        await scope.CommitAsync(cancellationToken);
        return removed;
    }

    /// <inheritdoc />
    public async ValueTask<int?> GetDimensionsAsync(string tenantId, string indexName, CancellationToken cancellationToken = default)
    {
        VectorIndexInput.Tenant(tenantId);
        VectorIndexInput.IndexName(indexName);
        await using var scope = await PostgresScope.ForTenantAsync(dataSource, tenantId, cancellationToken);
        return await ReadDimensionsAsync(scope, tenantId, indexName, cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask<ReadOnlyMemory<float>?> GetVectorAsync(string tenantId, string indexName, string documentId, CancellationToken cancellationToken = default)
    {
        VectorIndexInput.Tenant(tenantId);
        VectorIndexInput.IndexName(indexName);
        VectorIndexInput.DocumentId(documentId);
        await using var scope = await PostgresScope.ForTenantAsync(dataSource, tenantId, cancellationToken);
        await using var command = scope.CreateCommand("SELECT embedding FROM search_vectors WHERE tenant_id = $1 AND index_name = $2 AND document_id = $3");
        command.Parameters.Add(new() { Value = tenantId });
        command.Parameters.Add(new() { Value = indexName });
        command.Parameters.Add(new() { Value = documentId });
        return await command.ExecuteScalarAsync(cancellationToken) is Vector vector ? vector.Memory : (ReadOnlyMemory<float>?)null;
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<VectorMatch>> SearchAsync(string tenantId, string indexName, VectorQuery query, CancellationToken cancellationToken = default)
    {
        VectorIndexInput.Tenant(tenantId);
        VectorIndexInput.IndexName(indexName);
        VectorIndexInput.Query(query);
        await using var scope = await PostgresScope.ForTenantAsync(dataSource, tenantId, cancellationToken);
        if (await ReadDimensionsAsync(scope, tenantId, indexName, cancellationToken) is not { } dimensions)
        {
            return [];
        }

        VectorIndexInput.SameDimensions(dimensions, query.Vector.Length, "the query vector");
        string sql;
        var approximate = query.DocumentIds is null && dimensions <= MaxHnswDimensions;
        if (approximate)
        {
            // Written as the partial expression index is, so the planner can use it. ef_search bounds the candidate list:
            // at least k; strict_order lets the scan go on past tenants' and indexes' rows the filter drops, in order.
            var efSearch = Math.Clamp(query.TopK, 40, 1000);
            await using (var settings = scope.CreateCommand(
                string.Create(CultureInfo.InvariantCulture, $"SET LOCAL hnsw.ef_search = {efSearch}; SET LOCAL hnsw.iterative_scan = strict_order")))
            {
                await settings.ExecuteNonQueryAsync(cancellationToken);
            }

            var typed = string.Create(CultureInfo.InvariantCulture, $"vector({dimensions})");
            sql = $"""
                SELECT document_id, 1 - distance FROM (
                    SELECT document_id, (embedding::{typed}) <=> $3::{typed} AS distance
                    FROM search_vectors
                    WHERE tenant_id = $1 AND index_name = $2 AND dimensions = {dimensions}
                    ORDER BY (embedding::{typed}) <=> $3::{typed}
                    LIMIT $4) nearest
                ORDER BY distance, document_id
                """;
        }
        else
        {
            sql = """
                SELECT document_id, 1 - (embedding <=> $3) AS score
                FROM search_vectors
                WHERE tenant_id = $1 AND index_name = $2 AND ($5::text[] IS NULL OR document_id = ANY($5))
                ORDER BY embedding <=> $3, document_id
                LIMIT $4
                """;
        }

        await using var command = scope.CreateCommand(sql);
        command.Parameters.Add(new() { Value = tenantId });
        command.Parameters.Add(new() { Value = indexName });
        command.Parameters.Add(new() { Value = new Vector(query.Vector) });
        command.Parameters.Add(new() { Value = query.TopK });
        if (!approximate)
        {
            command.Parameters.Add(new() { Value = query.DocumentIds?.ToArray() ?? (object)DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text });
        }

        var matches = new List<VectorMatch>(query.TopK);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            matches.Add(new VectorMatch(reader.GetString(0), reader.GetDouble(1)));
        }

        return matches;
    }

    private static async Task<int?> ReadDimensionsAsync(PostgresScope scope, string tenantId, string indexName, CancellationToken cancellationToken)
    {
        await using var command = scope.CreateCommand(
            """
            SELECT i.dimensions FROM search_vector_indexes i
            WHERE i.tenant_id = $1 AND i.index_name = $2
              AND EXISTS (SELECT 1 FROM search_vectors v WHERE v.tenant_id = $1 AND v.index_name = $2)
            """);
        command.Parameters.Add(new() { Value = tenantId });
        command.Parameters.Add(new() { Value = indexName });
        return await command.ExecuteScalarAsync(cancellationToken) is int dimensions ? dimensions : null;
    }

    /// <summary>
    /// Makes the HNSW index for a dimension once per process (the 384 one comes with the migration). An advisory lock
    /// keeps two replicas from building the same index at once; IF NOT EXISTS makes the loser's build a no-op.
    /// </summary>
    private Task EnsureHnswAsync(int dimensions, CancellationToken cancellationToken)
    {
        if (dimensions > MaxHnswDimensions)
        {
            return Task.CompletedTask;
        }

        var made = _hnswIndexes.GetOrAdd(dimensions, d => new Lazy<Task>(() => CreateHnswAsync(d)));
        if (made.Value.IsFaulted)
        {
            // A failed build (e.g. a lost connection) is tried again by the next upsert rather than remembered.
            _hnswIndexes.TryRemove(new KeyValuePair<int, Lazy<Task>>(dimensions, made));
        }

        return made.Value.WaitAsync(cancellationToken);
    }

    private async Task CreateHnswAsync(int dimensions)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var sql = string.Create(
            CultureInfo.InvariantCulture,
            $"""
            SELECT pg_advisory_xact_lock(hashtext('allixios.search_vectors.hnsw'));
            CREATE INDEX IF NOT EXISTS search_vectors_hnsw_{dimensions} ON search_vectors
                USING hnsw ((embedding::vector({dimensions})) vector_cosine_ops) WHERE dimensions = {dimensions};
            """);
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync();
        await transaction.CommitAsync();
    }
}

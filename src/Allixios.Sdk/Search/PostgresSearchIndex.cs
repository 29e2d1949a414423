using System.Text.Json;
using Allixios.Storage;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace Allixios.Search;

/// <summary>
/// The production <see cref="ISearchIndex"/>: documents in <c>search_documents</c> and, in the same transaction, the
/// BM25 structures (postings with term frequencies and document lengths, per-tenant document frequencies and totals).
/// Text is analysed in .NET by <see cref="TextAnalyzer"/>, exactly as in memory; BM25 is computed in SQL over the postings.
/// Every statement runs in a <see cref="PostgresScope"/> for the tenant, so row-level security keeps tenants apart.
/// </summary>
public sealed class PostgresSearchIndex(NpgsqlDataSource dataSource, IOptions<SearchOptions> options, TimeProvider timeProvider) : ISearchIndex, ISearchVocabulary, ISearchDocumentReader
{
    private const int Chunk = 256;

    private const string DocumentColumns = "document_id, title, body, language, category, tags, author, published_at, updated_at, fields";

    private const string Store = "postgres";

    private SearchOptions Options => options.Value;

    /// <inheritdoc />
    public async ValueTask<int> UpsertAsync(string tenantId, IReadOnlyList<SearchDocument> documents, IProgress<SearchIndexingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        var batch = SearchRules.CheckBatch(documents, Options);
        await using var scope = await PostgresScope.ForTenantAsync(dataSource, tenantId, cancellationToken);
        var (count, length) = (0L, 0L);
        for (var start = 0; start < batch.Count; start += Chunk)
        {
            var chunk = batch.Skip(start).Take(Chunk).Select(AnalyzedDocument.Create).ToList();
            var ids = chunk.Select(d => d.Document.Id).ToArray();
            var (oldCount, oldLength) = await RemoveStructuresAsync(scope, tenantId, ids, deleteDocuments: false, cancellationToken);
            await WriteDocumentsAsync(scope, tenantId, chunk, cancellationToken);
            await WriteStructuresAsync(scope, tenantId, chunk, cancellationToken);
            count += chunk.Count - oldCount;
            length += chunk.Sum(d => (long)d.Length) - oldLength;
            if (start + chunk.Count < batch.Count)
            {
                progress?.Report(new SearchIndexingProgress(start + chunk.Count, batch.Count));
            }
        }

        await FinishAsync(scope, tenantId, count, length, cancellationToken);
        await scope.CommitAsync(cancellationToken);
        progress?.Report(new SearchIndexingProgress(batch.Count, batch.Count));
        SearchTelemetry.Indexed(Store, batch.Count);
        return batch.Count;
    }

    /// <inheritdoc />
    public async ValueTask<int> DeleteAsync(string tenantId, IReadOnlyList<string> ids, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        var checkedIds = SearchRules.CheckIds(ids, Options).ToArray();
        await using var scope = await PostgresScope.ForTenantAsync(dataSource, tenantId, cancellationToken);
        var (count, length) = await RemoveStructuresAsync(scope, tenantId, checkedIds, deleteDocuments: true, cancellationToken);
        await FinishAsync(scope, tenantId, -count, -length, cancellationToken);
        await scope.CommitAsync(cancellationToken);
        return (int)count;
    }

    /// <inheritdoc />
    public async ValueTask<SearchDocument?> GetAsync(string tenantId, string id, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        await using var scope = await PostgresScope.ForTenantAsync(dataSource, tenantId, cancellationToken);
        await using var command = scope.CreateCommand($"SELECT {DocumentColumns} FROM search_documents WHERE tenant_id = $1 AND document_id = $2");
        command.Parameters.Add(new() { Value = tenantId });
        command.Parameters.Add(new() { Value = id });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadDocument(reader) : null;
    }

    /// <inheritdoc />
    public async ValueTask<long> CountAsync(string tenantId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        await using var scope = await PostgresScope.ForTenantAsync(dataSource, tenantId, cancellationToken);
        await using var command = scope.CreateCommand("SELECT coalesce((SELECT doc_count FROM search_stats WHERE tenant_id = $1), 0)");
        command.Parameters.Add(new() { Value = tenantId });
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <inheritdoc />
    public async ValueTask<int> ReindexAsync(string tenantId, IProgress<SearchIndexingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        await using var scope = await PostgresScope.ForTenantAsync(dataSource, tenantId, cancellationToken);
        // One transaction: queries meanwhile read the old structures; the tenant's writes wait for it.
        await ExecuteAsync(scope, "SELECT count(*)::int FROM (SELECT 1 FROM search_documents WHERE tenant_id = $1 FOR UPDATE) d", cancellationToken, tenantId);
        await ExecuteAsync(scope, "DELETE FROM search_postings WHERE tenant_id = $1", cancellationToken, tenantId);
        await ExecuteAsync(scope, "DELETE FROM search_document_terms WHERE tenant_id = $1", cancellationToken, tenantId);
        await ExecuteAsync(scope, "DELETE FROM search_terms WHERE tenant_id = $1", cancellationToken, tenantId);
        await ExecuteAsync(scope, "DELETE FROM search_stats WHERE tenant_id = $1", cancellationToken, tenantId);

        var total = await CountDocumentsAsync(scope, tenantId, cancellationToken);
        var (done, length) = (0, 0L);
        string? after = null;
        while (true)
        {
            var page = new List<SearchDocument>();
            await using (var read = scope.CreateCommand(
                $"SELECT {DocumentColumns} FROM search_documents WHERE tenant_id = $1 AND ($2::text IS NULL OR document_id > $2) ORDER BY document_id LIMIT $3"))
            {
                read.Parameters.Add(new() { Value = tenantId });
                read.Parameters.Add(new() { Value = (object?)after ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
                read.Parameters.Add(new() { Value = Chunk });
                await using var reader = await read.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    page.Add(ReadDocument(reader));
                }
            }

            if (page.Count == 0)
            {
                break;
            }

            var chunk = page.Select(AnalyzedDocument.Create).ToList();
            await WriteDocumentsAsync(scope, tenantId, chunk, cancellationToken);
            await WriteStructuresAsync(scope, tenantId, chunk, cancellationToken);
            done += chunk.Count;
            length += chunk.Sum(d => (long)d.Length);
            after = page[^1].Id;
            progress?.Report(new SearchIndexingProgress(done, total));
        }

        await FinishAsync(scope, tenantId, done, length, cancellationToken);
        await scope.CommitAsync(cancellationToken);
        if (done == 0)
        {
            progress?.Report(new SearchIndexingProgress(0, 0));
        }

        SearchTelemetry.Indexed(Store, done);
        return done;
    }

    /// <inheritdoc />
    public async ValueTask<SearchResults> SearchAsync(string tenantId, SearchQuery query, CancellationToken cancellationToken = default)
    {
        using var activity = SearchTelemetry.StartQuery(Store);
        var startedAt = System.Diagnostics.Stopwatch.GetTimestamp();
        var results = await SearchCoreAsync(tenantId, query, cancellationToken);
        SearchTelemetry.Queried(Store, startedAt);
        return results;
    }

    private async ValueTask<SearchResults> SearchCoreAsync(string tenantId, SearchQuery query, CancellationToken cancellationToken)
    {
        var resolved = await LexicalSearch.PrepareAsync(this, tenantId, query, Options, cancellationToken);
        if (resolved is null)
        {
            return SearchResults.Empty;
        }

        var original = resolved;
        var sql = new PostgresRankingSql(query, resolved, Options);
        await using var scope = await PostgresScope.ForTenantAsync(dataSource, tenantId, cancellationToken);
        if (query.Feedback is { } feedback)
        {
            var firstPass = (await TopPageAsync(scope, tenantId, sql, 0, feedback.FeedbackDocuments, false, cancellationToken))?.Rows.Select(r => (r.Document.Id, r.Score)).ToList()
                ?? await ExactTopAsync(scope, tenantId, sql, feedback.FeedbackDocuments, cancellationToken);
            var vectors = await TermVectorsAsync(scope, tenantId, firstPass.Select(f => f.Id).ToArray(), cancellationToken);
            resolved = Rm3Expansion.Expand(resolved, firstPass, vectors, feedback);
            sql = new PostgresRankingSql(query, resolved, Options);
        }

        // Facets and date sorts need every match; relevance alone needs only the best page.
        if (query.Facets.Count == 0 && query.Sort == SearchSort.Relevance
            && await TopPageAsync(scope, tenantId, sql, query.Offset, query.Top, query.Highlight, cancellationToken) is { } page)
        {
            await scope.CommitAsync(cancellationToken);
            var hits = page.Rows.Select(r => LexicalSearch.ToHit(r.Document, r.Score, query, original, Options)).ToList();
            return new SearchResults(hits, page.Total, new Dictionary<string, IReadOnlyList<FacetCount>>(), resolved.Expansions) { TotalIsLowerBound = page.TotalIsLowerBound };
        }

        var results = await ExactPageAsync(scope, tenantId, query, sql, original, resolved, cancellationToken);
        await scope.CommitAsync(cancellationToken);
        return results;
    }

    /// <summary>The page by <see cref="PostgresRankingSql.TopPage"/>, or null when its bound does not prove it exact.</summary>
    private async Task<TopPageResult?> TopPageAsync(PostgresScope scope, string tenantId, PostgresRankingSql sql, int offset, int top, bool withBody, CancellationToken cancellationToken)
    {
        var rows = new List<(SearchDocument Document, double Score)>();
        double bound = 0;
        long candidates = 0, largestFrequency = 0;
        await using (var command = scope.CreateCommand(sql.TopPage(Options.MaxScorePostingsBudget, offset, top, withBody)))
        {
            sql.AddParameters(command, tenantId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add((ReadHitDocument(reader), reader.GetDouble(1)));
                (bound, candidates, largestFrequency) = (reader.GetDouble(10), reader.GetInt64(11), reader.GetInt32(12));
            }
        }

        // A document with no essential term scores at most the bound: the page is exact when its last score beats that.
        // The margin covers the rounding of scores to six decimals.
        var exact = rows.Count > 0 && (bound == 0 || (rows.Count == top && rows[^1].Score > bound + 1e-6));
        if (!exact)
        {
            return null;
        }

        // With common terms left out, the total is at least the candidates, and without filters every document holding
        // the most frequent query term matches too.
        var total = bound == 0 ? candidates : Math.Max(candidates, sql.HasConditions ? 0 : largestFrequency);
        return new TopPageResult(rows, total, bound > 0);
    }

    private static async Task<List<(string Id, double Score)>> ExactTopAsync(PostgresScope scope, string tenantId, PostgresRankingSql sql, int top, CancellationToken cancellationToken)
    {
        var best = new List<(string Id, double Score)>();
        await using var command = scope.CreateCommand($"{sql.Matched} SELECT document_id, score FROM m ORDER BY score DESC, document_id LIMIT {top}");
        sql.AddParameters(command, tenantId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            best.Add((reader.GetString(0), reader.GetDouble(1)));
        }

        return best;
    }

    private async Task<SearchResults> ExactPageAsync(
        PostgresScope scope, string tenantId, SearchQuery query, PostgresRankingSql sql, ResolvedQuery original, ResolvedQuery resolved, CancellationToken cancellationToken)
    {
        var hits = new List<SearchHit>();
        long total = 0;
        await using (var command = scope.CreateCommand(
            $"""
            {sql.Matched}
            SELECT document_id, score, title, {(query.Highlight ? "body" : "''")}, language, category, tags, author, published_at, updated_at, count(*) OVER ()
            FROM m ORDER BY {OrderBy(query.Sort)} LIMIT {query.Top} OFFSET {query.Offset}
            """))
        {
            sql.AddParameters(command, tenantId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                hits.Add(LexicalSearch.ToHit(ReadHitDocument(reader), reader.GetDouble(1), query, original, Options));
                total = reader.GetInt64(10);
            }
        }

        if (hits.Count == 0 && query.Offset > 0)
        {
            await using var count = scope.CreateCommand($"{sql.Matched} SELECT count(*) FROM m");
            sql.AddParameters(count, tenantId);
            total = (long)(await count.ExecuteScalarAsync(cancellationToken))!;
        }

        var facets = await FacetsAsync(scope, tenantId, query, sql, cancellationToken);
        return new SearchResults(hits, total, facets, resolved.Expansions);
    }

    /// <summary>Columns 0 to 9 of a hit row: document_id, score, title, body (or ''), language, category, tags, author, published_at, updated_at.</summary>
    private static SearchDocument ReadHitDocument(NpgsqlDataReader reader) => new(reader.GetString(0), reader.GetString(2), reader.GetString(3))
    {
        Language = reader.GetString(4),
        Category = reader.IsDBNull(5) ? null : reader.GetString(5),
        Tags = reader.GetFieldValue<string[]>(6),
        Author = reader.IsDBNull(7) ? null : reader.GetString(7),
        PublishedAt = reader.IsDBNull(8) ? null : reader.GetFieldValue<DateTimeOffset>(8),
        UpdatedAt = reader.IsDBNull(9) ? null : reader.GetFieldValue<DateTimeOffset>(9),
    };

    async ValueTask<IReadOnlyDictionary<string, int>> ISearchVocabulary.DocumentFrequenciesAsync(string tenantId, IReadOnlyCollection<string> terms, CancellationToken cancellationToken)
    {
        await using var scope = await PostgresScope.ForTenantAsync(dataSource, tenantId, cancellationToken);
        await using var command = scope.CreateCommand("SELECT term, df FROM search_terms WHERE tenant_id = $1 AND term = ANY($2) AND df > 0");
        command.Parameters.Add(new() { Value = tenantId });
        command.Parameters.Add(new() { Value = terms.ToArray() });
        var found = new Dictionary<string, int>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            found[reader.GetString(0)] = reader.GetInt32(1);
        }

        return found;
    }

    async ValueTask<IReadOnlyDictionary<string, SearchDocument>> ISearchDocumentReader.GetManyAsync(string tenantId, IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        var found = new Dictionary<string, SearchDocument>(StringComparer.Ordinal);
        if (ids.Count == 0)
        {
            return found;
        }

        await using var scope = await PostgresScope.ForTenantAsync(dataSource, tenantId, cancellationToken);
        await using (var command = scope.CreateCommand($"SELECT {DocumentColumns} FROM search_documents WHERE tenant_id = $1 AND document_id = ANY($2)"))
        {
            command.Parameters.Add(new() { Value = tenantId });
            command.Parameters.Add(new() { Value = ids.ToArray() });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var document = ReadDocument(reader);
                found[document.Id] = document;
            }
        }

        await scope.CommitAsync(cancellationToken);
        return found;
    }

    async IAsyncEnumerable<IReadOnlyList<SearchDocument>> ISearchDocumentReader.ReadAllAsync(string tenantId, int pageSize, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? after = null;
        while (true)
        {
            var page = new List<SearchDocument>(pageSize);
            await using (var scope = await PostgresScope.ForTenantAsync(dataSource, tenantId, cancellationToken))
            {
                await using var read = scope.CreateCommand(
                    $"SELECT {DocumentColumns} FROM search_documents WHERE tenant_id = $1 AND ($2::text IS NULL OR document_id > $2) ORDER BY document_id LIMIT $3");
                read.Parameters.Add(new() { Value = tenantId });
                read.Parameters.Add(new() { Value = (object?)after ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
                read.Parameters.Add(new() { Value = pageSize });
                await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
                {
                    while (await reader.ReadAsync(cancellationToken))
                    {
                        page.Add(ReadDocument(reader));
                    }
                }

                await scope.CommitAsync(cancellationToken);
            }

            if (page.Count == 0)
            {
                yield break;
            }

            yield return page;
            after = page[^1].Id;
        }
    }

    async ValueTask<IReadOnlyDictionary<string, DocumentTermVector>> ISearchVocabulary.TermVectorsAsync(string tenantId, IReadOnlyCollection<string> documentIds, CancellationToken cancellationToken)
    {
        await using var scope = await PostgresScope.ForTenantAsync(dataSource, tenantId, cancellationToken);
        return await TermVectorsAsync(scope, tenantId, documentIds.ToArray(), cancellationToken);
    }

    private static async Task<IReadOnlyDictionary<string, DocumentTermVector>> TermVectorsAsync(PostgresScope scope, string tenantId, string[] documentIds, CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, DocumentTermVector>(StringComparer.Ordinal);
        if (documentIds.Length == 0)
        {
            return found;
        }

        await using var command = scope.CreateCommand("SELECT document_id, doc_length, terms, tfs FROM search_document_terms WHERE tenant_id = $1 AND document_id = ANY($2)");
        command.Parameters.Add(new() { Value = tenantId });
        command.Parameters.Add(new() { Value = documentIds });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var terms = reader.GetFieldValue<string[]>(2);
            var frequencies = reader.GetFieldValue<int[]>(3);
            found[reader.GetString(0)] = new DocumentTermVector(reader.GetInt32(1), terms.Zip(frequencies).ToList());
        }

        return found;
    }

    async ValueTask<IReadOnlyList<TermFrequency>> ISearchVocabulary.TermsWithPrefixAsync(string tenantId, string prefix, int limit, CancellationToken cancellationToken)
    {
        var pattern = prefix.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%";
        return await ReadTermsAsync(
            tenantId,
            "SELECT term, df FROM search_terms WHERE tenant_id = $1 AND term LIKE $2 AND df > 0 ORDER BY df DESC, term LIMIT $3",
            [pattern, limit],
            cancellationToken);
    }

    async ValueTask<IReadOnlyList<TermFrequency>> ISearchVocabulary.SimilarTermsAsync(string tenantId, string term, CancellationToken cancellationToken)
        => await ReadTermsAsync(
            tenantId,
            // % finds candidates through the trigram index; the explicit threshold keeps the answer independent of the session's setting.
            "SELECT term, df FROM search_terms WHERE tenant_id = $1 AND term % $2 AND similarity(term, $2)::float8 >= 0.3::float8 AND df > 0",
            [term],
            cancellationToken);

    private async Task<IReadOnlyList<TermFrequency>> ReadTermsAsync(string tenantId, string sql, object[] parameters, CancellationToken cancellationToken)
    {
        await using var scope = await PostgresScope.ForTenantAsync(dataSource, tenantId, cancellationToken);
        await using var command = scope.CreateCommand(sql);
        command.Parameters.Add(new() { Value = tenantId });
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new() { Value = parameter });
        }

        var terms = new List<TermFrequency>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            terms.Add(new TermFrequency(reader.GetString(0), reader.GetInt32(1)));
        }

        return terms;
    }

    private async Task<IReadOnlyDictionary<string, IReadOnlyList<FacetCount>>> FacetsAsync(
        PostgresScope scope, string tenantId, SearchQuery query, PostgresRankingSql sql, CancellationToken cancellationToken)
    {
        var fields = query.Facets.Distinct(StringComparer.Ordinal).ToList();
        var facets = new SortedDictionary<string, IReadOnlyList<FacetCount>>(StringComparer.Ordinal);
        if (fields.Count == 0)
        {
            return facets;
        }

        await using var command = scope.CreateCommand(string.Empty);
        sql.AddParameters(command, tenantId);
        var parts = new List<string>();
        for (var i = 0; i < fields.Count; i++)
        {
            var field = fields[i];
            facets[field] = [];
            string valueSql;
            if (field == SearchFields.Tags)
            {
                valueSql = "SELECT unnest(m.tags)";
            }
            else if (field is SearchFields.Category or SearchFields.Author or SearchFields.Language)
            {
                valueSql = $"SELECT m.{field}";
            }
            else
            {
                command.Parameters.Add(new() { Value = field[SearchFields.CustomPrefix.Length..], NpgsqlDbType = NpgsqlDbType.Text });
                valueSql = $"SELECT m.fields ->> ${command.Parameters.Count}";
            }

            parts.Add($"(SELECT {i} AS facet, f.v, count(*) AS n FROM m, LATERAL ({valueSql}) AS f(v) WHERE f.v IS NOT NULL GROUP BY f.v ORDER BY n DESC, f.v COLLATE \"C\" LIMIT {Options.MaxFacetValues})");
        }

        command.CommandText = $"{sql.Matched} {string.Join(" UNION ALL ", parts)}";
        var counts = fields.Select(_ => new List<FacetCount>()).ToList();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                counts[reader.GetInt32(0)].Add(new FacetCount(reader.GetString(1), reader.GetInt64(2)));
            }
        }

        for (var i = 0; i < fields.Count; i++)
        {
            facets[fields[i]] = counts[i];
        }

        return facets;
    }

    private static string OrderBy(SearchSort sort) => sort switch
    {
        SearchSort.PublishedNewest => "published_at DESC NULLS LAST, score DESC, document_id",
        SearchSort.PublishedOldest => "published_at ASC NULLS LAST, score DESC, document_id",
        SearchSort.UpdatedNewest => "updated_at DESC NULLS LAST, score DESC, document_id",
        SearchSort.UpdatedOldest => "updated_at ASC NULLS LAST, score DESC, document_id",
        _ => "score DESC, document_id",
    };

    private static async Task<(long Count, long Length)> RemoveStructuresAsync(PostgresScope scope, string tenantId, string[] ids, bool deleteDocuments, CancellationToken cancellationToken)
    {
        (long Count, long Length) old;
        await using (var documents = scope.CreateCommand(deleteDocuments
            ? "WITH d AS (DELETE FROM search_documents WHERE tenant_id = $1 AND document_id = ANY($2) RETURNING length) SELECT count(*), coalesce(sum(length), 0)::bigint FROM d"
            : "SELECT count(*), coalesce(sum(length), 0)::bigint FROM (SELECT length FROM search_documents WHERE tenant_id = $1 AND document_id = ANY($2) FOR UPDATE) d"))
        {
            documents.Parameters.Add(new() { Value = tenantId });
            documents.Parameters.Add(new() { Value = ids });
            await using var reader = await documents.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            old = (reader.GetInt64(0), reader.GetInt64(1));
        }

        if (old.Count > 0)
        {
            // The forward rows name each document's postings, so they are deleted through the primary key.
            await using var postings = scope.CreateCommand(
                """
                WITH f AS (DELETE FROM search_document_terms WHERE tenant_id = $1 AND document_id = ANY($2) RETURNING document_id, terms),
                old AS (
                    DELETE FROM search_postings p USING (SELECT f.document_id, unnest(f.terms) AS term FROM f) x
                    WHERE p.tenant_id = $1 AND p.term = x.term AND p.document_id = x.document_id
                    RETURNING p.term),
                gone AS (SELECT term, count(*)::int AS n FROM old GROUP BY term),
                unused AS (DELETE FROM search_terms t USING gone WHERE t.tenant_id = $1 AND t.term = gone.term AND t.df <= gone.n)
                UPDATE search_terms t SET df = t.df - gone.n FROM gone WHERE t.tenant_id = $1 AND t.term = gone.term AND t.df > gone.n
                """);
            postings.Parameters.Add(new() { Value = tenantId });
            postings.Parameters.Add(new() { Value = ids });
            await postings.ExecuteNonQueryAsync(cancellationToken);
        }

        return old;
    }

    private async Task WriteDocumentsAsync(PostgresScope scope, string tenantId, List<AnalyzedDocument> chunk, CancellationToken cancellationToken)
    {
        await using var command = scope.CreateCommand(
            """
            INSERT INTO search_documents (tenant_id, document_id, title, body, language, category, tags, author, published_at, updated_at, fields, length, lexemes, indexed_at)
            SELECT $1, d.id, d.title, d.body, d.language, d.category, ARRAY(SELECT jsonb_array_elements_text(d.tags)), d.author, d.published_at, d.updated_at, d.fields, d.length, d.lexemes::tsvector, $13
            FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::jsonb[], $8::text[], $9::timestamptz[], $10::timestamptz[], $11::jsonb[], $12::int[], $14::text[])
                AS d(id, title, body, language, category, tags, author, published_at, updated_at, fields, length, lexemes)
            ON CONFLICT (tenant_id, document_id) DO UPDATE SET
                title = excluded.title, body = excluded.body, language = excluded.language, category = excluded.category, tags = excluded.tags,
                author = excluded.author, published_at = excluded.published_at, updated_at = excluded.updated_at, fields = excluded.fields,
                length = excluded.length, lexemes = excluded.lexemes, indexed_at = excluded.indexed_at
            """);
        command.Parameters.Add(new() { Value = tenantId });
        command.Parameters.Add(new() { Value = chunk.Select(d => d.Document.Id).ToArray() });
        command.Parameters.Add(new() { Value = chunk.Select(d => d.Document.Title).ToArray() });
        command.Parameters.Add(new() { Value = chunk.Select(d => d.Document.Body).ToArray() });
        command.Parameters.Add(new() { Value = chunk.Select(d => d.Document.Language).ToArray() });
        command.Parameters.Add(new() { Value = chunk.Select(d => d.Document.Category).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = chunk.Select(d => JsonSerializer.Serialize(d.Document.Tags)).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb });
        command.Parameters.Add(new() { Value = chunk.Select(d => d.Document.Author).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = chunk.Select(d => d.Document.PublishedAt?.UtcDateTime).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new() { Value = chunk.Select(d => d.Document.UpdatedAt?.UtcDateTime).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new() { Value = chunk.Select(d => JsonSerializer.Serialize(d.Document.Fields)).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb });
        command.Parameters.Add(new() { Value = chunk.Select(d => d.Length).ToArray() });
        command.Parameters.Add(new() { Value = timeProvider.GetUtcNow() });
        command.Parameters.Add(new() { Value = chunk.Select(d => d.ToTsVector()).ToArray() });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task WriteStructuresAsync(PostgresScope scope, string tenantId, List<AnalyzedDocument> chunk, CancellationToken cancellationToken)
    {
        var postings = chunk.SelectMany(d => d.Terms.Select(t => (d.Document.Id, Term: t.Key, t.Value.Frequency, d.Length))).ToList();
        var terms = postings.Select(p => p.Term).ToArray();
        // Postings, and each document's forward row (its terms and frequencies in term order) from the same rows.
        await ExecuteAsync(
            scope,
            """
            WITH p AS (SELECT * FROM unnest($2::text[], $3::text[], $4::int[], $5::int[]) AS p(id, term, tf, len)),
            f AS (
                INSERT INTO search_document_terms (tenant_id, document_id, doc_length, terms, tfs)
                SELECT $1, p.id, min(p.len), array_agg(p.term ORDER BY p.term COLLATE "C"), array_agg(p.tf ORDER BY p.term COLLATE "C") FROM p GROUP BY p.id)
            INSERT INTO search_postings (tenant_id, term, document_id, tf, doc_length) SELECT $1, p.term, p.id, p.tf, p.len FROM p
            """,
            cancellationToken,
            tenantId,
            postings.Select(p => p.Id).ToArray(),
            terms,
            postings.Select(p => p.Frequency).ToArray(),
            postings.Select(p => p.Length).ToArray());
        // In term order, so that concurrent batches of one tenant lock the shared term rows in one order and cannot deadlock.
        await ExecuteAsync(
            scope,
            """
            INSERT INTO search_terms (tenant_id, term, df)
            SELECT $1, term, count(*)::int FROM unnest($2::text[]) AS p(term) GROUP BY term ORDER BY term
            ON CONFLICT (tenant_id, term) DO UPDATE SET df = search_terms.df + excluded.df
            """,
            cancellationToken,
            tenantId,
            terms);
    }

    private static async Task FinishAsync(PostgresScope scope, string tenantId, long count, long length, CancellationToken cancellationToken)
    {
        await ExecuteAsync(
            scope,
            """
            INSERT INTO search_stats (tenant_id, doc_count, total_length) VALUES ($1, $2, $3)
            ON CONFLICT (tenant_id) DO UPDATE SET doc_count = search_stats.doc_count + excluded.doc_count, total_length = search_stats.total_length + excluded.total_length
            """,
            cancellationToken,
            tenantId,
            count,
            length);
    }

    private static async Task ExecuteAsync(PostgresScope scope, string sql, CancellationToken cancellationToken, params object[] parameters)
    {
        await using var command = scope.CreateCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new() { Value = parameter });
        }

        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<int> CountDocumentsAsync(PostgresScope scope, string tenantId, CancellationToken cancellationToken)
    {
        await using var command = scope.CreateCommand("SELECT count(*)::int FROM search_documents WHERE tenant_id = $1");
        command.Parameters.Add(new() { Value = tenantId });
        return (int)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private static SearchDocument ReadDocument(NpgsqlDataReader reader) => new(reader.GetString(0), reader.GetString(1), reader.GetString(2))
    {
        Language = reader.GetString(3),
        Category = reader.IsDBNull(4) ? null : reader.GetString(4),
        Tags = reader.GetFieldValue<string[]>(5),
        Author = reader.IsDBNull(6) ? null : reader.GetString(6),
        PublishedAt = reader.IsDBNull(7) ? null : reader.GetFieldValue<DateTimeOffset>(7),
        UpdatedAt = reader.IsDBNull(8) ? null : reader.GetFieldValue<DateTimeOffset>(8),
        Fields = new SortedDictionary<string, string>(JsonSerializer.Deserialize<Dictionary<string, string>>(reader.GetString(9)) ?? [], StringComparer.Ordinal),
    };

    private sealed record TopPageResult(List<(SearchDocument Document, double Score)> Rows, long Total, bool TotalIsLowerBound);
}

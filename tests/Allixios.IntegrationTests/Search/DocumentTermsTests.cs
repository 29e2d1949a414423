using Allixios.Search;
using Allixios.Storage;
using Allixios.Testing.Storage;
using Microsoft.Extensions.Options;
using Npgsql;
using Xunit;

namespace Allixios.IntegrationTests.Search;

// search_document_terms, the forward index MaxScore completes candidates from, must name exactly each document's postings
// (term, tf, length) after every kind of write, and be there for documents indexed before it existed (migration 0022).
public sealed class DocumentTermsTests(MigratedPostgresDatabase database) : IClassFixture<MigratedPostgresDatabase>
{
    private const string Postings = "SELECT document_id, term, tf, doc_length FROM search_postings WHERE tenant_id = $1";

    private const string Forward = "SELECT f.document_id, u.term, u.tf, f.doc_length FROM search_document_terms f, unnest(f.terms, f.tfs) AS u(term, tf) WHERE f.tenant_id = $1";

    [Fact]
    public async Task The_forward_rows_name_exactly_the_postings_after_upserts_replacements_deletes_and_reindexing()
    {
        var tenant = "f" + Guid.NewGuid().ToString("N")[..12];
        var index = new PostgresSearchIndex(database.DataSource, Options.Create(new SearchOptions()), TimeProvider.System);
        var corpus = SearchParityTests.Corpus();
        await index.UpsertAsync(tenant, corpus);
        await AssertSameAsync(database.DataSource, tenant, expectedDocuments: 120);

        // Replacements with other words (and one with only stop words: no postings, no forward row), then deletes, known and unknown.
        await index.UpsertAsync(tenant, corpus.Take(30).Select(d => d with { Body = d.Body + " propeller propeller slipstream", Title = "wing" }).ToList());
        await index.UpsertAsync(tenant, [corpus[40] with { Title = "the of", Body = "a and the" }]);
        await index.DeleteAsync(tenant, ["doc-005", "doc-006", "doc-077", "no-such-document"]);
        await AssertSameAsync(database.DataSource, tenant, expectedDocuments: 116);

        await index.ReindexAsync(tenant);
        await AssertSameAsync(database.DataSource, tenant, expectedDocuments: 116);
        Assert.Equal(117, await index.CountAsync(tenant));
    }

    [Fact]
    public async Task The_pruned_page_stays_exact_after_replacements_and_deletes()
    {
        var tenant = "f" + Guid.NewGuid().ToString("N")[..12];
        var memory = new InMemorySearchIndex(Options.Create(new SearchOptions()));
        var postgres = new PostgresSearchIndex(database.DataSource, Options.Create(new SearchOptions { MaxScorePostingsBudget = 1 }), TimeProvider.System);
        var corpus = SearchParityTests.Corpus();
        var replaced = corpus.Skip(10).Take(40).Select(d => d with { Body = "hypersonic boundary layer " + d.Body[..(d.Body.Length / 2)] }).ToList();
        foreach (ISearchIndex index in new ISearchIndex[] { memory, postgres })
        {
            await index.UpsertAsync(tenant, corpus);
            await index.UpsertAsync(tenant, replaced);
            await index.DeleteAsync(tenant, ["doc-011", "doc-050", "doc-099"]);
        }

        foreach (var query in new[]
        {
            new SearchQuery("hypersonic boundary layer flow") { Top = 10 },
            new SearchQuery("heat transfer the of") { Top = 25 },
            new SearchQuery("boundary layer flow") { Top = 100, Feedback = new QueryFeedback { FeedbackDocuments = 5 } },
        })
        {
            var expected = await memory.SearchAsync(tenant, query);
            var actual = await postgres.SearchAsync(tenant, query);
            Assert.Equal(expected.Hits.Select(h => (h.Id, h.Score)), actual.Hits.Select(h => (h.Id, h.Score)));
        }
    }

    [Fact]
    public async Task Migrating_to_0022_fills_the_forward_rows_of_documents_indexed_before()
    {
        await using var fresh = await PostgresTestDatabase.CreateAsync();
        var dataSource = fresh.CreateDataSource();
        var runner = new MigrationRunner(dataSource);
        await runner.MigrateToAsync(MigrationCatalog.All.Last(m => m.Version < 22).Version);
        const string Tenant = "before-0022";
        await using (var scope = await PostgresScope.ForTenantAsync(dataSource, Tenant))
        {
            // The postings as the code before 0022 wrote them.
            await using var command = scope.CreateCommand(
                """
                INSERT INTO search_postings (tenant_id, term, document_id, tf, doc_length)
                VALUES ($1, 'wing', 'd1', 2, 5), ($1, 'flow', 'd1', 3, 5), ($1, 'flow', 'd2', 1, 1)
                """);
            command.Parameters.Add(new() { Value = Tenant });
            await command.ExecuteNonQueryAsync();
            await scope.CommitAsync();
        }

        await runner.MigrateAsync();

        await using (var scope = await PostgresScope.ForTenantAsync(dataSource, Tenant))
        {
            await using var command = scope.CreateCommand("SELECT document_id, doc_length, terms, tfs FROM search_document_terms WHERE tenant_id = $1 ORDER BY document_id");
            command.Parameters.Add(new() { Value = Tenant });
            await using var reader = await command.ExecuteReaderAsync();
            var rows = new List<(string, int, string[], int[])>();
            while (await reader.ReadAsync())
            {
                rows.Add((reader.GetString(0), reader.GetInt32(1), reader.GetFieldValue<string[]>(2), reader.GetFieldValue<int[]>(3)));
            }

            Assert.Equal(2, rows.Count);
            Assert.Equal(("d1", 5), (rows[0].Item1, rows[0].Item2));
            Assert.Equal(["flow", "wing"], rows[0].Item3);
            Assert.Equal([3, 2], rows[0].Item4);
            Assert.Equal(("d2", 1), (rows[1].Item1, rows[1].Item2));
            Assert.Equal(["flow"], rows[1].Item3);
            Assert.Equal([1], rows[1].Item4);
        }
    }

    private static async Task AssertSameAsync(NpgsqlDataSource dataSource, string tenant, int expectedDocuments)
    {
        var postings = await RowsAsync(dataSource, tenant, Postings);
        var forward = await RowsAsync(dataSource, tenant, Forward);
        Assert.NotEmpty(postings);
        Assert.Equal(postings, forward);
        Assert.Equal(expectedDocuments, forward.Select(r => r.Document).Distinct().Count());
    }

    private static async Task<List<(string Document, string Term, int Tf, int Length)>> RowsAsync(NpgsqlDataSource dataSource, string tenant, string sql)
    {
        var rows = new List<(string, string, int, int)>();
        await using var scope = await PostgresScope.ForTenantAsync(dataSource, tenant);
        await using (var command = scope.CreateCommand(sql))
        {
            command.Parameters.Add(new() { Value = tenant });
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                rows.Add((reader.GetString(0), reader.GetString(1), reader.GetInt32(2), reader.GetInt32(3)));
            }
        }

        await scope.CommitAsync();
        return rows.Order().ToList();
    }
}

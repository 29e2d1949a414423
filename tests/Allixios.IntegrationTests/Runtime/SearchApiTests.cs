using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Allixios.Runtime.Contracts.V1;
using Grpc.Core;
using Xunit;

namespace Allixios.IntegrationTests.Runtime;

/// <summary>The Search API of an embedded runtime, over HTTP/JSON with API keys, as an outside evaluation would use it.</summary>
public sealed class SearchApiTests(SearchRuntimeFixture fixture) : IClassFixture<SearchRuntimeFixture>
{
    private const string Corpus = """
        {"documents":[
          {"id":"a","title":"Wing in a slipstream","body":"An experimental study of a wing in a propeller slipstream.","category":"aero","tags":["wing","experiment"],"publishedAt":"2024-01-01T00:00:00Z","fields":{"level":"1"}},
          {"id":"b","title":"Boundary layers","body":"Laminar boundary layer flow over a flat plate and a wing.","category":"aero","tags":["flow"],"publishedAt":"2024-06-01T00:00:00Z"},
          {"id":"c","title":"Heat transfer","body":"Heat transfer in hypersonic flow.","category":"heat","tags":["flow"],"author":"smith","publishedAt":"2025-01-01T00:00:00Z"}
        ]}
        """;

    private RuntimeProcess Runtime => fixture.Runtime;

    [Fact]
    public async Task Documents_indexed_in_a_batch_are_found_ranked_with_facets_snippets_filters_and_sorting()
    {
        var key = await CreateTenantWithKeyAsync("search:write");

        var upserted = await PostAsync("/v1/search/documents:batchUpsert", Corpus, key);
        var results = await PostAsync("/v1/search:query", """{"query":"wing slipstream","topK":10,"facets":["category","tags"],"highlight":true}""", key);
        var filtered = await PostAsync("/v1/search:query", """{"query":"flow","filters":[{"field":"category","values":["aero"]}]}""", key);
        var dated = await PostAsync("/v1/search:query", """{"query":"flow","filters":[{"field":"published_at","from":"2024-03-01T00:00:00Z"}],"sort":"SEARCH_SORT_PUBLISHED_OLDEST"}""", key);

        Assert.Equal(3, upserted.GetProperty("upserted").GetInt32());
        var hits = results.GetProperty("hits").EnumerateArray().ToList();
        Assert.Equal(["a", "b"], hits.Select(h => h.GetProperty("id").GetString()));
        Assert.Equal(2, results.GetProperty("total").GetInt64());
        Assert.True(hits[0].GetProperty("score").GetDouble() > hits[1].GetProperty("score").GetDouble());
        Assert.Contains("<mark>slipstream</mark>", hits[0].GetProperty("snippet").GetString(), StringComparison.Ordinal);
        Assert.Equal(2, results.GetProperty("facets").GetProperty("category").GetProperty("values")[0].GetProperty("count").GetInt64());
        Assert.Equal(["b"], filtered.GetProperty("hits").EnumerateArray().Select(h => h.GetProperty("id").GetString()));
        Assert.Equal(["b", "c"], dated.GetProperty("hits").EnumerateArray().Select(h => h.GetProperty("id").GetString()));
    }

    [Fact]
    public async Task A_document_reads_back_and_deleting_it_removes_it_from_results()
    {
        var key = await CreateTenantWithKeyAsync("search:write");
        await PostAsync("/v1/search/documents:batchUpsert", Corpus, key);

        var read = await GetAsync("/v1/search/documents/c", key);
        var deleted = await PostAsync("/v1/search/documents:batchDelete", """{"ids":["c","nope"]}""", key);
        using var gone = await Runtime.SendAsync(HttpMethod.Get, "/v1/search/documents/c", key: key);
        var results = await PostAsync("/v1/search:query", """{"query":"heat"}""", key);
        var reindexed = await PostAsync("/v1/search:reindex", "{}", key);

        Assert.Equal("smith", read.GetProperty("author").GetString());
        Assert.Equal("Heat transfer", read.GetProperty("title").GetString());
        Assert.Equal(1, deleted.GetProperty("deleted").GetInt32());
        Assert.Equal("search_document_not_found", (await Problem.ReadAsync(gone, HttpStatusCode.NotFound)).Reason);
        Assert.Empty(results.GetProperty("hits").EnumerateArray());
        Assert.Equal(2, reindexed.GetProperty("reindexed").GetInt32());
    }

    [Fact]
    public async Task A_tenant_never_sees_another_tenants_documents_and_scopes_are_enforced()
    {
        var key = await CreateTenantWithKeyAsync("search:write");
        var otherKey = await CreateTenantWithKeyAsync("search:read");
        var jobsOnly = await CreateTenantWithKeyAsync("jobs:read");
        await PostAsync("/v1/search/documents:batchUpsert", Corpus, key);

        var other = await PostAsync("/v1/search:query", """{"query":"wing","facets":["category"]}""", otherKey);
        using var otherRead = await Runtime.SendAsync(HttpMethod.Get, "/v1/search/documents/a", key: otherKey);
        using var readOnlyWrite = await Runtime.SendAsync(HttpMethod.Post, "/v1/search/documents:batchUpsert", Corpus, otherKey);
        using var noScope = await Runtime.SendAsync(HttpMethod.Post, "/v1/search:query", """{"query":"wing"}""", jobsOnly);
        using var anonymous = await Runtime.Http.PostAsync("/v1/search:query", JsonContent.Create(new { query = "wing" }));

        Assert.Empty(other.GetProperty("hits").EnumerateArray());
        Assert.Empty(other.GetProperty("facets").GetProperty("category").GetProperty("values").EnumerateArray());
        await Problem.ReadAsync(otherRead, HttpStatusCode.NotFound);
        await Problem.ReadAsync(readOnlyWrite, HttpStatusCode.Forbidden);
        await Problem.ReadAsync(noScope, HttpStatusCode.Forbidden);
        await Problem.ReadAsync(anonymous, HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData("""{"query":""}""", "search_query_empty")]
    [InlineData("""{"query":"   "}""", "search_query_empty")]
    [InlineData("""{"query":"wing","topK":0}""", "search_top_out_of_range")]
    [InlineData("""{"query":"wing","topK":10000}""", "search_top_out_of_range")]
    [InlineData("""{"query":"wing","offset":-5}""", "search_offset_out_of_range")]
    [InlineData("""{"query":"wing","filters":[{"field":"colour","values":["red"]}]}""", "search_filter_unknown_field")]
    [InlineData("""{"query":"wing","filters":[{"field":"published_at","values":["2024"]}]}""", "search_filter_invalid")]
    [InlineData("""{"query":"wing","facets":["body"]}""", "search_facet_unknown_field")]
    [InlineData("""{"query":"wing","language":"tlh"}""", "search_language_unsupported")]
    [InlineData("""{"query":"wing","mode":"SEARCH_MODE_SEMANTIC"}""", "search_semantic_unavailable")]
    [InlineData("""{"query":"wing","mode":"SEARCH_MODE_TELEPATHIC"}""", null)]
    [InlineData("""{"query":"wing","topK":"ten"}""", null)]
    public async Task Bad_queries_are_400_problem_json_that_say_what_to_fix(string body, string? reason)
    {
        var key = await CreateTenantWithKeyAsync("search:read");

        using var response = await Runtime.SendAsync(HttpMethod.Post, "/v1/search:query", body, key);

        var problem = await Problem.ReadAsync(response, HttpStatusCode.BadRequest);
        if (reason is not null)
        {
            Assert.Equal(reason, problem.Reason);
        }
    }

    [Fact]
    public async Task A_100_kb_query_is_400_query_too_long()
    {
        var key = await CreateTenantWithKeyAsync("search:read");

        using var response = await Runtime.SendAsync(HttpMethod.Post, "/v1/search:query", JsonSerializer.Serialize(new { query = new string('w', 100 * 1024) }), key);

        var problem = await Problem.ReadAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal("search_query_too_long", problem.Reason);
        Assert.Contains("at most 1000", problem.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("'", 0)]
    [InlineData("&|!:*()", 0)]
    [InlineData("wing' OR 1=1; --", 2)]
    [InlineData("wing & !flow:*", 2)]
    public async Task Sql_and_tsquery_metacharacters_give_a_correct_answer_never_an_error(string query, int hits)
    {
        var key = await CreateTenantWithKeyAsync("search:write");
        await PostAsync("/v1/search/documents:batchUpsert", Corpus, key);

        var results = await PostAsync("/v1/search:query", JsonSerializer.Serialize(new { query }), key);

        Assert.True(results.GetProperty("hits").GetArrayLength() >= hits);
        Assert.Equal(hits == 0, results.GetProperty("hits").GetArrayLength() == 0);
    }

    [Theory]
    [InlineData("""{"documents":[]}""", "search_documents_missing")]
    [InlineData("""{"documents":[{"id":"","title":"x","body":"y"}]}""", "search_document_id_invalid")]
    [InlineData("""{"documents":[{"id":"a","body":"y"},{"id":"a","body":"z"}]}""", "search_document_repeated")]
    [InlineData("""{"documents":[{"id":"a","body":"y","language":"xx"}]}""", "search_language_unsupported")]
    [InlineData("""{"documents":[{"id":"a","body":"y","fields":{"bad name":"v"}}]}""", "search_document_invalid")]
    public async Task Bad_batches_are_400_and_write_nothing(string body, string reason)
    {
        var key = await CreateTenantWithKeyAsync("search:write");

        using var response = await Runtime.SendAsync(HttpMethod.Post, "/v1/search/documents:batchUpsert", body, key);

        Assert.Equal(reason, (await Problem.ReadAsync(response, HttpStatusCode.BadRequest)).Reason);
        Assert.Empty((await PostAsync("/v1/search:query", """{"query":"y"}""", key)).GetProperty("hits").EnumerateArray());
    }

    [Fact]
    public async Task The_search_routes_are_in_the_openapi_document_and_answer_over_grpc()
    {
        var key = await CreateTenantWithKeyAsync("search:write");
        await PostAsync("/v1/search/documents:batchUpsert", Corpus, key);
        var openApi = await Runtime.Http.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var paths = openApi.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        var client = new Allixios.Runtime.Contracts.V1.Search.SearchClient(Runtime.Grpc);

        var response = await client.QueryAsync(new SearchQueryRequest { Query = "hypersonic heat", TopK = 5 }, RuntimeProcess.WithKey(key));
        var error = await Assert.ThrowsAsync<RpcException>(async () => await client.QueryAsync(new SearchQueryRequest { Query = "wing", TopK = 0 }, RuntimeProcess.WithKey(key)));

        Assert.Contains("/v1/search:query", paths);
        Assert.Contains("/v1/search/documents:batchUpsert", paths);
        Assert.Contains("/v1/search/documents:batchDelete", paths);
        Assert.Contains("/v1/search/documents/{id}", paths);
        Assert.Equal("c", response.Hits.Single().Id);
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
    }

    private async Task<string> CreateTenantWithKeyAsync(params string[] scopes)
    {
        var tenant = "s-" + Guid.NewGuid().ToString("N")[..12];
        await PostAsync("/v1/tenants", $$"""{"tenantId":"{{tenant}}","displayName":"Search {{tenant}}"}""", RuntimeProcess.BootstrapKey);
        var issued = await PostAsync($"/v1/tenants/{tenant}/api-keys", JsonSerializer.Serialize(new { name = "search test", scopes }), RuntimeProcess.BootstrapKey);
        return issued.GetProperty("secret").GetString()!;
    }

    private async Task<JsonElement> PostAsync(string path, string json, string key)
    {
        using var response = await Runtime.SendAsync(HttpMethod.Post, path, json, key);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"POST {path}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private async Task<JsonElement> GetAsync(string path, string key)
    {
        using var response = await Runtime.SendAsync(HttpMethod.Get, path, key: key);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }
}

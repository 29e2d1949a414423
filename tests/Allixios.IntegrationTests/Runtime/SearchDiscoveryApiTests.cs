using System.Net;
using System.Text.Json;
using Allixios.Runtime.Contracts.V1;
using Grpc.Core;
using Xunit;

namespace Allixios.IntegrationTests.Runtime;

/// <summary>
/// Recommendations, clicks, analytics, experiments and the result cache of an embedded runtime, over HTTP/JSON with API
/// keys, as an outside evaluation would use them.
/// </summary>
public sealed class SearchDiscoveryApiTests(SearchRuntimeFixture fixture) : IClassFixture<SearchRuntimeFixture>
{
    private const string Corpus = """
        {"documents":[
          {"id":"a","title":"Wing in a slipstream","body":"An experimental study of a wing in a propeller slipstream at low speed."},
          {"id":"b","title":"Propeller slipstream effects","body":"The propeller slipstream changes the lift of a wing behind it."},
          {"id":"c","title":"Heat transfer","body":"Heat transfer in hypersonic flow over a blunt body."},
          {"id":"d","title":"Hypersonic heating","body":"Heating rates in hypersonic flow near the stagnation point."},
          {"id":"e","title":"Boundary layers","body":"Laminar boundary layer flow over a flat plate."}
        ]}
        """;

    private RuntimeProcess Runtime => fixture.Runtime;

    [Fact]
    public async Task A_query_returns_a_query_id_whose_clicks_make_the_popular_zero_result_and_click_through_reports()
    {
        var key = await CreateTenantWithKeyAsync("search:write");
        await PostAsync("/v1/search/documents:batchUpsert", Corpus, key);

        var first = await PostAsync("/v1/search:query", """{"query":"Propeller Slipstream"}""", key);
        await PostAsync("/v1/search:query", """{"query":"propeller   slipstream"}""", key);
        await PostAsync("/v1/search:query", """{"query":"heat"}""", key);
        var nothing = await PostAsync("/v1/search:query", """{"query":"xyzzy plugh"}""", key);
        var queryId = first.GetProperty("queryId").GetString()!;
        var click = await PostAsync("/v1/search/clicks", JsonSerializer.Serialize(new { queryId, documentId = "b", position = 2 }), key);
        var again = await PostAsync("/v1/search/clicks", JsonSerializer.Serialize(new { queryId, documentId = "b", position = 2 }), key);
        var popular = await GetAsync("/v1/search/analytics/popular-queries?windowHours=1&top=5", key);
        var zero = await GetAsync("/v1/search/analytics/zero-result-queries", key);
        var ctr = await GetAsync("/v1/search/analytics/query-ctr", key);

        Assert.True(Guid.TryParse(queryId, out _));
        Assert.NotEqual(queryId, nothing.GetProperty("queryId").GetString());
        Assert.Equal("SEARCH_MODE_LEXICAL", first.GetProperty("mode").GetString());
        Assert.True(click.GetProperty("recorded").GetBoolean());
        Assert.False(again.TryGetProperty("recorded", out var recordedAgain) && recordedAgain.GetBoolean());
        var queries = popular.GetProperty("queries").EnumerateArray().ToList();
        Assert.Equal(["propeller slipstream", "heat", "xyzzy plugh"], queries.Select(q => q.GetProperty("query").GetString()));
        Assert.Equal("2", queries[0].GetProperty("searches").ToString());
        Assert.Equal(["xyzzy plugh"], zero.GetProperty("queries").EnumerateArray().Select(q => q.GetProperty("query").GetString()));
        var best = ctr.GetProperty("queries")[0];
        Assert.Equal("propeller slipstream", best.GetProperty("query").GetString());
        Assert.Equal(0.5, best.GetProperty("clickThroughRate").GetDouble());
    }

    [Fact]
    public async Task More_like_this_also_viewed_and_the_blend_recommend_related_documents_never_the_source()
    {
        var key = await CreateTenantWithKeyAsync("search:write");
        await PostAsync("/v1/search/documents:batchUpsert", Corpus, key);
        foreach (var (user, document) in new[] { ("u1", "a"), ("u1", "e"), ("u2", "a"), ("u2", "e"), ("u3", "a"), ("u3", "c"), ("u4", "c") })
        {
            await PostAsync("/v1/search/interactions", JsonSerializer.Serialize(new { userId = user, documentId = document, kind = "SEARCH_INTERACTION_KIND_VIEW" }), key);
        }

        var like = await GetAsync("/v1/search/documents/a/more-like-this?topK=3", key);
        var viewed = await GetAsync("/v1/search/documents/a/also-viewed?windowHours=24", key);
        var blend = await GetAsync("/v1/search/documents/a/recommendations?topK=5&contentWeight=0.5&behaviourWeight=0.5", key);

        var likeIds = Ids(like);
        Assert.Equal("b", likeIds[0]);
        Assert.DoesNotContain("a", likeIds);
        Assert.Equal(["e", "c"], Ids(viewed));
        var blended = blend.GetProperty("recommendations").EnumerateArray().ToList();
        Assert.DoesNotContain("a", blended.Select(r => r.GetProperty("id").GetString()));
        Assert.Equal(blended.Count, blended.Select(r => r.GetProperty("id").GetString()).Distinct().Count());
        Assert.Contains(blended, r => r.GetProperty("id").GetString() == "b" && r.GetProperty("sources").EnumerateArray().Single().GetString() == "content");
        Assert.Contains(blended, r => r.GetProperty("id").GetString() == "e" && r.GetProperty("sources").EnumerateArray().Any(s => s.GetString() == "behaviour"));
    }

    [Fact]
    public async Task An_experiment_assigns_each_user_a_stable_arm_and_reports_click_through_per_arm()
    {
        var key = await CreateTenantWithKeyAsync("search:write");
        await PostAsync("/v1/search/documents:batchUpsert", Corpus, key);
        var created = await PostAsync("/v1/search/experiments", """
            {"id":"ranking-test","name":"Lexical, two ways","arms":[
              {"name":"control","weight":1,"ranking":{"mode":"SEARCH_MODE_LEXICAL"}},
              {"name":"treatment","weight":1,"ranking":{"mode":"SEARCH_MODE_LEXICAL","fusion":"SEARCH_FUSION_WEIGHTED_SCORES","lexicalWeight":0.7}}]}
            """, key);
        var arms = new Dictionary<string, string>();
        var clickedUsers = 0;
        for (var u = 0; u < 12; u++)
        {
            var user = $"user-{u}";
            var answer = await PostAsync("/v1/search:query", JsonSerializer.Serialize(new { query = "slipstream", userId = user, experimentId = "ranking-test" }), key);
            var repeat = await PostAsync("/v1/search:query", JsonSerializer.Serialize(new { query = "wing", userId = user, experimentId = "ranking-test" }), key);
            arms[user] = answer.GetProperty("experimentArm").GetString()!;
            Assert.Equal(arms[user], repeat.GetProperty("experimentArm").GetString());
            if (u % 3 == 0)
            {
                await PostAsync("/v1/search/clicks", JsonSerializer.Serialize(new { queryId = answer.GetProperty("queryId").GetString(), documentId = "a", position = 1 }), key);
                clickedUsers++;
            }
        }

        var results = await GetAsync("/v1/search/experiments/ranking-test/results", key);
        var listed = await GetAsync("/v1/search/experiments", key);
        var stopped = await SendAsync(HttpMethod.Patch, "/v1/search/experiments/ranking-test", """{"status":"SEARCH_EXPERIMENT_STATUS_STOPPED"}""", key);
        using var refused = await Runtime.SendAsync(HttpMethod.Post, "/v1/search:query", """{"query":"wing","userId":"user-1","experimentId":"ranking-test"}""", key);
        var deleted = await SendAsync(HttpMethod.Delete, "/v1/search/experiments/ranking-test", null, key);
        using var gone = await Runtime.SendAsync(HttpMethod.Get, "/v1/search/experiments/ranking-test", key: key);

        Assert.Equal("SEARCH_EXPERIMENT_STATUS_RUNNING", created.GetProperty("status").GetString());
        Assert.Equal(0.7, created.GetProperty("arms")[1].GetProperty("ranking").GetProperty("lexicalWeight").GetDouble());
        Assert.Equal(2, arms.Values.Distinct().Count());
        var perArm = results.GetProperty("arms").EnumerateArray().ToList();
        Assert.Equal(["control", "treatment"], perArm.Select(a => a.GetProperty("arm").GetString()));
        Assert.Equal(24, perArm.Sum(a => long.Parse(a.GetProperty("searches").ToString(), System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(clickedUsers, perArm.Sum(a => a.TryGetProperty("clickedSearches", out var c) ? long.Parse(c.ToString(), System.Globalization.CultureInfo.InvariantCulture) : 0));
        foreach (var arm in perArm)
        {
            var name = arm.GetProperty("arm").GetString();
            Assert.Equal(2L * arms.Values.Count(v => v == name), long.Parse(arm.GetProperty("searches").ToString(), System.Globalization.CultureInfo.InvariantCulture));
        }

        Assert.Equal(["ranking-test"], listed.GetProperty("experiments").EnumerateArray().Select(e => e.GetProperty("id").GetString()));
        Assert.Equal("SEARCH_EXPERIMENT_STATUS_STOPPED", stopped.GetProperty("status").GetString());
        Assert.Equal("search_experiment_stopped", (await Problem.ReadAsync(refused, HttpStatusCode.BadRequest)).Reason);
        Assert.Equal(JsonValueKind.Object, deleted.ValueKind);
        Assert.Equal("search_experiment_not_found", (await Problem.ReadAsync(gone, HttpStatusCode.NotFound)).Reason);
    }

    [Fact]
    public async Task A_change_to_the_index_makes_the_next_query_fresh_though_results_are_cached()
    {
        var key = await CreateTenantWithKeyAsync("search:write");
        await PostAsync("/v1/search/documents:batchUpsert", Corpus, key);

        var before = await PostAsync("/v1/search:query", """{"query":"slipstream"}""", key);
        var cached = await PostAsync("/v1/search:query", """{"query":"slipstream"}""", key);
        await PostAsync("/v1/search/documents:batchUpsert", """{"documents":[{"id":"f","title":"Slipstream again","body":"More slipstream."}]}""", key);
        var afterUpsert = await PostAsync("/v1/search:query", """{"query":"slipstream"}""", key);
        await PostAsync("/v1/search/documents:batchDelete", """{"ids":["a"]}""", key);
        var afterDelete = await PostAsync("/v1/search:query", """{"query":"slipstream"}""", key);

        Assert.Equal(["a", "b"], Hits(before).Order());
        Assert.Equal(Hits(before), Hits(cached));
        Assert.Equal(["a", "b", "f"], Hits(afterUpsert).Order());
        Assert.Equal(["b", "f"], Hits(afterDelete).Order());
    }

    [Theory]
    [InlineData("GET", "/v1/search/documents/nope/more-like-this", null, 404, "search_document_not_found")]
    [InlineData("GET", "/v1/search/documents/nope/also-viewed", null, 404, "search_document_not_found")]
    [InlineData("GET", "/v1/search/documents/nope/recommendations", null, 404, "search_document_not_found")]
    [InlineData("GET", "/v1/search/documents/a/more-like-this?topK=0", null, 400, "search_top_out_of_range")]
    [InlineData("GET", "/v1/search/documents/a/more-like-this?topK=1000", null, 400, "search_top_out_of_range")]
    [InlineData("GET", "/v1/search/documents/a/also-viewed?windowHours=0", null, 400, "search_window_invalid")]
    [InlineData("GET", "/v1/search/documents/a/also-viewed?windowHours=100000", null, 400, "search_window_invalid")]
    [InlineData("GET", "/v1/search/documents/a/recommendations?contentWeight=0&behaviourWeight=0", null, 400, "search_recommendation_weights_invalid")]
    [InlineData("GET", "/v1/search/documents/a/recommendations?contentWeight=2", null, 400, "search_recommendation_weights_invalid")]
    [InlineData("POST", "/v1/search/clicks", """{"documentId":"a","position":1}""", 400, "search_query_id_invalid")]
    [InlineData("POST", "/v1/search/clicks", """{"queryId":"not-a-guid","documentId":"a","position":1}""", 400, "search_query_id_invalid")]
    [InlineData("POST", "/v1/search/clicks", """{"queryId":"0190a6e0-0000-7000-8000-000000000000","documentId":"a","position":1}""", 404, "search_query_not_found")]
    [InlineData("POST", "/v1/search/clicks", """{"queryId":"0190a6e0-0000-7000-8000-000000000000","documentId":"nope","position":1}""", 404, "search_document_not_found")]
    [InlineData("POST", "/v1/search/clicks", """{"queryId":"0190a6e0-0000-7000-8000-000000000000","documentId":"","position":1}""", 400, "search_document_id_invalid")]
    [InlineData("POST", "/v1/search/clicks", """{"queryId":"0190a6e0-0000-7000-8000-000000000000","documentId":"a","position":0}""", 400, "search_click_position_invalid")]
    [InlineData("POST", "/v1/search/interactions", """{"documentId":"a"}""", 400, "search_user_id_invalid")]
    [InlineData("POST", "/v1/search/interactions", """{"documentId":"","userId":"u"}""", 400, "search_document_id_invalid")]
    [InlineData("POST", "/v1/search/interactions", """{"documentId":"nope","userId":"u"}""", 404, "search_document_not_found")]
    [InlineData("GET", "/v1/search/analytics/popular-queries?windowHours=0", null, 400, "search_window_invalid")]
    [InlineData("GET", "/v1/search/analytics/popular-queries?windowHours=9000", null, 400, "search_window_invalid")]
    [InlineData("GET", "/v1/search/analytics/popular-queries?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z", null, 400, "search_window_invalid")]
    [InlineData("GET", "/v1/search/analytics/popular-queries?from=2026-01-02T00:00:00Z", null, 400, "search_window_invalid")]
    [InlineData("GET", "/v1/search/analytics/query-ctr?top=0", null, 400, "search_top_out_of_range")]
    [InlineData("GET", "/v1/search/experiments/nope", null, 404, "search_experiment_not_found")]
    [InlineData("GET", "/v1/search/experiments/nope/results", null, 404, "search_experiment_not_found")]
    [InlineData("DELETE", "/v1/search/experiments/nope", null, 404, "search_experiment_not_found")]
    [InlineData("PATCH", "/v1/search/experiments/nope", """{"name":"x"}""", 404, "search_experiment_not_found")]
    [InlineData("POST", "/v1/search:query", """{"query":"wing","userId":"u","experimentId":"nope"}""", 404, "search_experiment_not_found")]
    [InlineData("POST", "/v1/search/experiments", """{"id":"x","name":"x","arms":[{"name":"only","weight":1}]}""", 400, "search_experiment_arms_invalid")]
    [InlineData("POST", "/v1/search/experiments", """{"id":"x","name":"x","arms":[{"name":"a","weight":0},{"name":"b","weight":1}]}""", 400, "search_experiment_arms_invalid")]
    [InlineData("POST", "/v1/search/experiments", """{"id":"x","name":"x","arms":[{"name":"a","weight":-2},{"name":"b","weight":1}]}""", 400, "search_experiment_arms_invalid")]
    [InlineData("POST", "/v1/search/experiments", """{"id":"x","name":"x","arms":[{"name":"a","weight":1},{"name":"a","weight":1}]}""", 400, "search_experiment_arms_invalid")]
    [InlineData("POST", "/v1/search/experiments", """{"id":"x","name":"x","arms":[{"name":"a","weight":1},{"name":"b","weight":1,"ranking":{"lexicalWeight":3}}]}""", 400, "search_experiment_arms_invalid")]
    [InlineData("POST", "/v1/search/experiments", """{"id":"Bad Id","name":"x","arms":[{"name":"a","weight":1},{"name":"b","weight":1}]}""", 400, "search_experiment_id_invalid")]
    [InlineData("POST", "/v1/search/experiments", """{"id":"x","name":"","arms":[{"name":"a","weight":1},{"name":"b","weight":1}]}""", 400, "search_experiment_name_invalid")]
    public async Task Bad_discovery_requests_are_4xx_problem_json_that_say_what_to_fix(string method, string path, string? body, int status, string reason)
    {
        var key = await CreateTenantWithKeyAsync("search:write");
        await PostAsync("/v1/search/documents:batchUpsert", Corpus, key);

        using var response = await Runtime.SendAsync(new HttpMethod(method), path, body, key);

        Assert.Equal(reason, (await Problem.ReadAsync(response, (HttpStatusCode)status)).Reason);
    }

    [Fact]
    public async Task A_query_in_an_experiment_without_a_user_id_and_a_second_experiment_with_one_id_are_refused()
    {
        var key = await CreateTenantWithKeyAsync("search:write");
        const string Experiment = """{"id":"exp","name":"x","arms":[{"name":"a","weight":1},{"name":"b","weight":2}]}""";
        await PostAsync("/v1/search/experiments", Experiment, key);

        using var noUser = await Runtime.SendAsync(HttpMethod.Post, "/v1/search:query", """{"query":"wing","experimentId":"exp"}""", key);
        using var duplicate = await Runtime.SendAsync(HttpMethod.Post, "/v1/search/experiments", Experiment, key);

        Assert.Equal("search_experiment_user_missing", (await Problem.ReadAsync(noUser, HttpStatusCode.BadRequest)).Reason);
        Assert.Equal("search_experiment_exists", (await Problem.ReadAsync(duplicate, HttpStatusCode.Conflict)).Reason);
    }

    [Fact]
    public async Task Tenants_never_see_each_others_analytics_experiments_or_recommendations_and_scopes_are_enforced()
    {
        var key = await CreateTenantWithKeyAsync("search:write");
        var otherKey = await CreateTenantWithKeyAsync("search:read");
        await PostAsync("/v1/search/documents:batchUpsert", Corpus, key);
        await PostAsync("/v1/search:query", """{"query":"wing"}""", key);
        await PostAsync("/v1/search/experiments", """{"id":"exp","name":"x","arms":[{"name":"a","weight":1},{"name":"b","weight":1}]}""", key);

        var popular = await GetAsync("/v1/search/analytics/popular-queries", otherKey);
        var experiments = await GetAsync("/v1/search/experiments", otherKey);
        using var like = await Runtime.SendAsync(HttpMethod.Get, "/v1/search/documents/a/more-like-this", key: otherKey);
        using var readOnlyCreate = await Runtime.SendAsync(HttpMethod.Post, "/v1/search/experiments", """{"id":"mine","name":"x","arms":[{"name":"a","weight":1},{"name":"b","weight":1}]}""", otherKey);

        Assert.False(popular.TryGetProperty("queries", out var queries) && queries.GetArrayLength() > 0);
        Assert.False(experiments.TryGetProperty("experiments", out var list) && list.GetArrayLength() > 0);
        await Problem.ReadAsync(like, HttpStatusCode.NotFound);
        await Problem.ReadAsync(readOnlyCreate, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task The_discovery_routes_are_in_the_openapi_document_and_answer_over_grpc()
    {
        var key = await CreateTenantWithKeyAsync("search:write");
        await PostAsync("/v1/search/documents:batchUpsert", Corpus, key);
        var openApi = await GetAsync("/openapi/v1.json", key);
        var paths = openApi.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        var client = new SearchDiscovery.SearchDiscoveryClient(Runtime.Grpc);

        var like = await client.MoreLikeThisAsync(new MoreLikeThisRequest { DocumentId = "c", TopK = 1 }, RuntimeProcess.WithKey(key));
        var error = await Assert.ThrowsAsync<RpcException>(async () => await client.MoreLikeThisAsync(new MoreLikeThisRequest { DocumentId = "nope" }, RuntimeProcess.WithKey(key)));

        foreach (var path in new[]
        {
            "/v1/search/documents/{documentId}/more-like-this", "/v1/search/documents/{documentId}/also-viewed",
            "/v1/search/documents/{documentId}/recommendations", "/v1/search/clicks", "/v1/search/interactions",
            "/v1/search/analytics/popular-queries", "/v1/search/analytics/zero-result-queries", "/v1/search/analytics/query-ctr",
            "/v1/search/experiments", "/v1/search/experiments/{experimentId}", "/v1/search/experiments/{experimentId}/results",
        })
        {
            Assert.Contains(path, paths);
        }

        Assert.Equal("d", like.Recommendations.Single().Id);
        Assert.Equal(StatusCode.NotFound, error.StatusCode);
    }

    private static List<string?> Ids(JsonElement response)
        => response.TryGetProperty("recommendations", out var list) ? list.EnumerateArray().Select(r => r.GetProperty("id").GetString()).ToList() : [];

    private static List<string?> Hits(JsonElement response)
        => response.GetProperty("hits").EnumerateArray().Select(h => h.GetProperty("id").GetString()).ToList();

    private async Task<string> CreateTenantWithKeyAsync(params string[] scopes)
    {
        var tenant = "d-" + Guid.NewGuid().ToString("N")[..12];
        await PostAsync("/v1/tenants", $$"""{"tenantId":"{{tenant}}","displayName":"Discovery {{tenant}}"}""", RuntimeProcess.BootstrapKey);
        var issued = await PostAsync($"/v1/tenants/{tenant}/api-keys", JsonSerializer.Serialize(new { name = "discovery test", scopes }), RuntimeProcess.BootstrapKey);
        return issued.GetProperty("secret").GetString()!;
    }

    private Task<JsonElement> PostAsync(string path, string json, string key) => SendAsync(HttpMethod.Post, path, json, key);

    private Task<JsonElement> GetAsync(string path, string key) => SendAsync(HttpMethod.Get, path, null, key);

    private async Task<JsonElement> SendAsync(HttpMethod method, string path, string? json, string key)
    {
        using var response = await Runtime.SendAsync(method, path, json, key);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{method} {path}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }
}

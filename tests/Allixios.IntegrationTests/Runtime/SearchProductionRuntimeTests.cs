using System.Net;
using System.Text.Json;
using Allixios.Testing.Storage;
using Xunit;

namespace Allixios.IntegrationTests.Runtime;

/// <summary>The Search API of a runtime on PostgreSQL: documents survive a restart and tenants stay apart under row-level security.</summary>
public sealed class SearchProductionRuntimeTests
{
    [Fact]
    public async Task On_postgres_indexed_documents_survive_a_restart_and_stay_in_their_tenant()
    {
        await using var database = await PostgresTestDatabase.CreateAsync();
        var environment = new Dictionary<string, string?> { ["ALLIXIOS__POSTGRES__CONNECTIONSTRING"] = database.ConnectionString };
        string key, otherKey;
        await using (var first = await RuntimeProcess.StartAsync(environment))
        {
            key = await CreateTenantWithKeyAsync(first, "search-a");
            otherKey = await CreateTenantWithKeyAsync(first, "search-b");
            await first.SendOkAsync(HttpMethod.Post, "/v1/search/documents:batchUpsert", """
                {"documents":[
                  {"id":"a","title":"Wing in a slipstream","body":"An experimental study of a wing in a propeller slipstream.","category":"aero"},
                  {"id":"b","title":"Heat transfer","body":"Heat transfer in hypersonic flow.","category":"heat"}
                ]}
                """, key);
        }

        await using var second = await RuntimeProcess.StartAsync(environment);
        var results = await second.SendOkAsync(HttpMethod.Post, "/v1/search:query", """{"query":"\"propeller slipstream\"","facets":["category"],"highlight":true}""", key);
        var other = await second.SendOkAsync(HttpMethod.Post, "/v1/search:query", """{"query":"slipstream"}""", otherKey);
        using var tooMany = await second.SendAsync(HttpMethod.Post, "/v1/search:query", """{"query":"wing","topK":10000}""", key);

        Assert.Equal(["a"], results.GetProperty("hits").EnumerateArray().Select(h => h.GetProperty("id").GetString()));
        Assert.Contains("<mark>propeller</mark> <mark>slipstream</mark>", results.GetProperty("hits")[0].GetProperty("snippet").GetString(), StringComparison.Ordinal);
        Assert.Equal("aero", results.GetProperty("facets").GetProperty("category").GetProperty("values")[0].GetProperty("value").GetString());
        Assert.Empty(other.GetProperty("hits").EnumerateArray());
        Assert.Equal("search_top_out_of_range", (await Problem.ReadAsync(tooMany, HttpStatusCode.BadRequest)).Reason);
    }

    private static async Task<string> CreateTenantWithKeyAsync(RuntimeProcess runtime, string tenant)
    {
        await runtime.SendOkAsync(HttpMethod.Post, "/v1/tenants", $$"""{"tenantId":"{{tenant}}","displayName":"{{tenant}}"}""");
        var issued = await runtime.SendOkAsync(HttpMethod.Post, $"/v1/tenants/{tenant}/api-keys", JsonSerializer.Serialize(new { name = "search", scopes = new[] { "search:write" } }));
        return issued.GetProperty("secret").GetString()!;
    }
}

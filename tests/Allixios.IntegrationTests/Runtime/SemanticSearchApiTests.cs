using System.Net;
using System.Text.Json;
using Xunit;

namespace Allixios.IntegrationTests.Runtime;

/// <summary>Semantic and hybrid queries over HTTP/JSON on a runtime started with Allixios:Search:Semantic:Enabled (the real MiniLM model).</summary>
public sealed class SemanticSearchApiTests : IAsyncLifetime
{
    private RuntimeProcess? _runtime;

    private RuntimeProcess Runtime => _runtime ?? throw new InvalidOperationException("The runtime has not started.");

    public async Task InitializeAsync() => _runtime = await RuntimeProcess.StartAsync(new Dictionary<string, string?>
    {
        ["Allixios__Search__Semantic__Enabled"] = "true",
    });

    public async Task DisposeAsync()
    {
        if (_runtime is not null)
        {
            await _runtime.DisposeAsync();
        }
    }

    [Fact]
    public async Task Semantic_mode_finds_a_document_by_meaning_and_hybrid_mode_ranks_both_lists()
    {
        var tenant = "s-" + Guid.NewGuid().ToString("N")[..12];
        await PostAsync("/v1/tenants", $$"""{"tenantId":"{{tenant}}","displayName":"Semantic {{tenant}}"}""", RuntimeProcess.BootstrapKey);
        var issued = await PostAsync($"/v1/tenants/{tenant}/api-keys", JsonSerializer.Serialize(new { name = "semantic test", scopes = new[] { "search:write" } }), RuntimeProcess.BootstrapKey);
        var key = issued.GetProperty("secret").GetString()!;
        await PostAsync("/v1/search/documents:batchUpsert", """
            {"documents":[
              {"id":"cat","title":"Cats","body":"The kitten slept on the sofa all afternoon."},
              {"id":"car","title":"Engines","body":"The car engine needs new spark plugs and oil."},
              {"id":"sea","title":"Oceans","body":"Waves crash on the rocky shore at high tide."}
            ]}
            """, key);

        // No word of the query is in the cat document: only its meaning matches.
        var semantic = await PostAsync("/v1/search:query", """{"query":"a young feline napping","mode":"SEARCH_MODE_SEMANTIC","topK":1}""", key);
        var hybrid = await PostAsync("/v1/search:query", """{"query":"engine oil","mode":"SEARCH_MODE_HYBRID","topK":3}""", key);

        Assert.Equal("cat", semantic.GetProperty("hits")[0].GetProperty("id").GetString());
        Assert.Equal("car", hybrid.GetProperty("hits")[0].GetProperty("id").GetString());
    }

    private async Task<JsonElement> PostAsync(string path, string json, string key)
    {
        using var response = await Runtime.SendAsync(HttpMethod.Post, path, json, key);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"POST {path}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Allixios.Runtime.Contracts.V1;
using Xunit;

namespace Allixios.IntegrationTests.Runtime;

/// <summary>The runtime's cache API on its embedded default, over HTTP/JSON and gRPC, each tenant in its own namespace.</summary>
public sealed class CacheApiTests(EmbeddedRuntimeFixture fixture) : IClassFixture<EmbeddedRuntimeFixture>
{
    private RuntimeProcess Runtime => fixture.Runtime;

    [Fact]
    public async Task An_entry_set_over_http_is_read_back_over_http_and_grpc()
    {
        var key = await NewTenantKeyAsync("cache:write");

        using var set = await SendAsync(key, HttpMethod.Put, "/v1/cache/entries/page:home", """{"value":{"title":"Home","sections":[1,2]},"expiration":"60s"}""");
        using var get = await SendAsync(key, HttpMethod.Get, "/v1/cache/entries/page:home");
        var viaGrpc = await new Cache.CacheClient(Runtime.Grpc).GetEntryAsync(new GetCacheEntryRequest { Key = "page:home" }, RuntimeProcess.WithKey(key));

        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        var body = await get.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Home", body.GetProperty("value").GetProperty("title").GetString());
        Assert.Equal("Home", viaGrpc.Value.StructValue.Fields["title"].StringValue);
    }

    [Fact]
    public async Task Invalidating_a_tag_cascades_through_three_levels_of_dependents()
    {
        var key = await NewTenantKeyAsync("cache:write");
        await SendOkAsync(key, HttpMethod.Put, "/v1/cache/entries/content:42", """{"value":"article","tags":["category:news"]}""");
        await SendOkAsync(key, HttpMethod.Put, "/v1/cache/entries/teaser:42", """{"value":"teaser","dependsOn":["content:42"]}""");
        await SendOkAsync(key, HttpMethod.Put, "/v1/cache/entries/page:front", """{"value":"front page","dependsOn":["teaser:42"]}""");
        await SendOkAsync(key, HttpMethod.Put, "/v1/cache/entries/unrelated", """{"value":"stays"}""");

        var invalidated = await SendOkAsync(key, HttpMethod.Post, "/v1/cache:invalidate", """{"tags":["category:news"]}""");

        Assert.Equal(3, invalidated.GetProperty("invalidated").GetInt32());
        foreach (var gone in new[] { "content:42", "teaser:42", "page:front" })
        {
            using var response = await SendAsync(key, HttpMethod.Get, "/v1/cache/entries/" + gone);
            Assert.Equal("cache_entry_not_found", (await Problem.ReadAsync(response, HttpStatusCode.NotFound)).Reason);
        }

        using var kept = await SendAsync(key, HttpMethod.Get, "/v1/cache/entries/unrelated");
        Assert.Equal(HttpStatusCode.OK, kept.StatusCode);
    }

    [Fact]
    public async Task A_dependency_cycle_is_invalidated_once_and_ends()
    {
        var key = await NewTenantKeyAsync("cache:write");
        await SendOkAsync(key, HttpMethod.Put, "/v1/cache/entries/a", """{"value":1,"dependsOn":["b"]}""");
        await SendOkAsync(key, HttpMethod.Put, "/v1/cache/entries/b", """{"value":2,"dependsOn":["a"]}""");

        var invalidated = await SendOkAsync(key, HttpMethod.Post, "/v1/cache:invalidate", """{"keys":["a"]}""");

        Assert.Equal(2, invalidated.GetProperty("invalidated").GetInt32());
    }

    [Fact]
    public async Task One_tenant_can_neither_read_nor_invalidate_another_tenants_entries()
    {
        var mine = await NewTenantKeyAsync("cache:write");
        var theirs = await NewTenantKeyAsync("cache:write");
        await SendOkAsync(mine, HttpMethod.Put, "/v1/cache/entries/secret", """{"value":"mine","tags":["private"]}""");

        using var read = await SendAsync(theirs, HttpMethod.Get, "/v1/cache/entries/secret");
        using var invalidate = await SendAsync(theirs, HttpMethod.Post, "/v1/cache:invalidate", """{"tags":["private"]}""");
        using var stillMine = await SendAsync(mine, HttpMethod.Get, "/v1/cache/entries/secret");

        await Problem.ReadAsync(read, HttpStatusCode.NotFound);
        var unknownTag = await Problem.ReadAsync(invalidate, HttpStatusCode.BadRequest);
        Assert.Equal("cache_tag_unknown", unknownTag.Reason);
        Assert.DoesNotContain("tenant:", unknownTag.Detail, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, stillMine.StatusCode);
    }

    [Fact]
    public async Task A_read_only_key_cannot_change_the_cache()
    {
        var reader = await NewTenantKeyAsync("cache:read");

        using var set = await SendAsync(reader, HttpMethod.Put, "/v1/cache/entries/x", """{"value":1}""");
        using var stats = await SendAsync(reader, HttpMethod.Get, "/v1/cache/stats");

        Assert.Contains("'cache:write'", (await Problem.ReadAsync(set, HttpStatusCode.Forbidden)).Detail, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, stats.StatusCode);
    }

    [Theory]
    [InlineData("PUT", "/v1/cache/entries/k", """{"tags":["a"]}""", "cache_value_missing")]
    [InlineData("PUT", "/v1/cache/entries/k", """{"value":1,"tags":["bad tag!"]}""", "cache_tag_invalid")]
    [InlineData("PUT", "/v1/cache/entries/k", """{"value":1,"expiration":"-5s"}""", "cache_option_invalid")]
    [InlineData("PUT", "/v1/cache/entries/%20", """{"value":1}""", "cache_key_empty")]
    [InlineData("POST", "/v1/cache:invalidate", "{}", "cache_nothing_to_invalidate")]
    [InlineData("POST", "/v1/cache:invalidate", """{"tags":["never-used"]}""", "cache_tag_unknown")]
    public async Task Bad_cache_requests_are_400_problem_json(string method, string path, string body, string reason)
    {
        var key = await NewTenantKeyAsync("cache:write");

        using var response = await SendAsync(key, new HttpMethod(method), path, body);

        Assert.Equal(reason, (await Problem.ReadAsync(response, HttpStatusCode.BadRequest)).Reason);
    }

    [Fact]
    public async Task An_oversized_value_is_refused_and_nothing_is_stored()
    {
        var key = await NewTenantKeyAsync("cache:write");
        var value = new string('x', 20_000);

        using var set = await SendAsync(key, HttpMethod.Put, "/v1/cache/entries/big", $$"""{"value":"{{value}}"}""");
        using var get = await SendAsync(key, HttpMethod.Get, "/v1/cache/entries/big");

        var problem = await Problem.ReadAsync(set, HttpStatusCode.BadRequest);
        Assert.Equal("cache_value_too_large", problem.Reason);
        Assert.Contains("16384", problem.Detail, StringComparison.Ordinal);
        await Problem.ReadAsync(get, HttpStatusCode.NotFound);
    }

    private async Task<string> NewTenantKeyAsync(string scope)
    {
        var tenant = "c-" + Guid.NewGuid().ToString("N")[..12];
        await SendOkAsync(RuntimeProcess.BootstrapKey, HttpMethod.Post, "/v1/tenants", $$"""{"tenantId":"{{tenant}}"}""");
        var issued = await SendOkAsync(RuntimeProcess.BootstrapKey, HttpMethod.Post, $"/v1/tenants/{tenant}/api-keys", $$"""{"name":"cache test","scopes":["{{scope}}"]}""");
        return issued.GetProperty("secret").GetString()!;
    }

    private Task<JsonElement> SendOkAsync(string key, HttpMethod method, string path, string? json = null)
        => Runtime.SendOkAsync(method, path, json, key);

    private Task<HttpResponseMessage> SendAsync(string key, HttpMethod method, string path, string? json = null)
        => Runtime.SendAsync(method, path, json, key);
}

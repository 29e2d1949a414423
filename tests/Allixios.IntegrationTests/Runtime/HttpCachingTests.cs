using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Allixios.Runtime.Contracts.V1;
using Xunit;

namespace Allixios.IntegrationTests.Runtime;

/// <summary>The runtime's HTTP caching headers (ETag, Cache-Control, Vary, surrogate keys) and 304s, as a client and a CDN see them.</summary>
public sealed class HttpCachingTests(EmbeddedRuntimeFixture fixture) : IClassFixture<EmbeddedRuntimeFixture>
{
    private RuntimeProcess Runtime => fixture.Runtime;

    [Fact]
    public async Task A_get_sends_a_strong_etag_private_no_cache_vary_and_both_surrogate_key_headers()
    {
        var tenant = await CreateTenantAsync();

        using var response = await SendAsync(HttpMethod.Get, $"/v1/tenants/{tenant}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotNull(response.Headers.ETag);
        Assert.False(response.Headers.ETag.IsWeak);
        AssertPrivateNoCache(response);
        Assert.Equal(["Authorization", "X-Api-Key"], response.Headers.Vary);
        Assert.Equal($"tenant:{tenant}", Header(response, "Surrogate-Key"));
        Assert.Equal($"tenant:{tenant}", Header(response, "Cache-Tag"));
        Assert.Equal(tenant, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("tenantId").GetString());
    }

    [Fact]
    public async Task Api_key_lists_carry_the_tenant_and_the_collection_as_space_and_comma_separated_tags()
    {
        var tenant = await CreateTenantAsync();

        using var response = await SendAsync(HttpMethod.Get, $"/v1/tenants/{tenant}/api-keys");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal($"tenant:{tenant} api-keys:{tenant}", Header(response, "Surrogate-Key"));
        Assert.Equal($"tenant:{tenant},api-keys:{tenant}", Header(response, "Cache-Tag"));
    }

    [Fact]
    public async Task Repeating_a_get_with_its_etag_is_304_without_a_body_and_with_the_same_caching_headers()
    {
        var tenant = await CreateTenantAsync();
        using var first = await SendAsync(HttpMethod.Get, $"/v1/tenants/{tenant}");
        var etag = first.Headers.ETag!.Tag;

        using var again = await SendAsync(HttpMethod.Get, $"/v1/tenants/{tenant}", ifNoneMatch: etag);

        Assert.Equal(HttpStatusCode.NotModified, again.StatusCode);
        Assert.Empty(await again.Content.ReadAsByteArrayAsync());
        Assert.Equal(etag, again.Headers.ETag?.Tag);
        AssertPrivateNoCache(again);
        Assert.Equal(["Authorization", "X-Api-Key"], again.Headers.Vary);
        Assert.Equal($"tenant:{tenant}", Header(again, "Surrogate-Key"));
    }

    [Fact]
    public async Task After_a_change_the_etag_changes_and_the_old_one_gets_the_new_answer_with_200()
    {
        var tenant = await CreateTenantAsync();
        using var before = await SendAsync(HttpMethod.Get, $"/v1/tenants/{tenant}");
        var old = before.Headers.ETag!.Tag;
        using (var patch = await SendAsync(HttpMethod.Patch, $"/v1/tenants/{tenant}", """{"displayName":"Renamed"}"""))
        {
            Assert.Equal(HttpStatusCode.OK, patch.StatusCode);
        }

        using var after = await SendAsync(HttpMethod.Get, $"/v1/tenants/{tenant}", ifNoneMatch: old);

        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.NotEqual(old, after.Headers.ETag?.Tag);
        Assert.Contains("Renamed", await after.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task If_none_match_star_a_weak_tag_and_a_list_that_holds_the_tag_are_304_and_a_list_without_it_is_200()
    {
        var tenant = await CreateTenantAsync();
        using var first = await SendAsync(HttpMethod.Get, $"/v1/tenants/{tenant}");
        var etag = first.Headers.ETag!.Tag;

        using var star = await SendAsync(HttpMethod.Get, $"/v1/tenants/{tenant}", ifNoneMatch: "*");
        using var weak = await SendAsync(HttpMethod.Get, $"/v1/tenants/{tenant}", ifNoneMatch: "W/" + etag);
        using var list = await SendAsync(HttpMethod.Get, $"/v1/tenants/{tenant}", ifNoneMatch: $"\"stale\", W/\"older\", {etag}");
        using var other = await SendAsync(HttpMethod.Get, $"/v1/tenants/{tenant}", ifNoneMatch: "\"stale\", W/\"older\"");

        Assert.Equal(HttpStatusCode.NotModified, star.StatusCode);
        Assert.Equal(HttpStatusCode.NotModified, weak.StatusCode);
        Assert.Equal(HttpStatusCode.NotModified, list.StatusCode);
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        Assert.Equal(etag, other.Headers.ETag?.Tag);
    }

    [Fact]
    public async Task A_conditional_get_never_skips_the_key_check_a_key_without_access_gets_its_403()
    {
        var tenant = await CreateTenantAsync();
        var stranger = await CreateTenantAsync();
        var strangerKey = await CreateKeyAsync(stranger, "keys:read");
        using var first = await SendAsync(HttpMethod.Get, $"/v1/tenants/{tenant}");

        using var star = await SendAsync(HttpMethod.Get, $"/v1/tenants/{tenant}", key: strangerKey, ifNoneMatch: "*");
        using var etag = await SendAsync(HttpMethod.Get, $"/v1/tenants/{tenant}", key: strangerKey, ifNoneMatch: first.Headers.ETag!.Tag);

        await Problem.ReadAsync(star, HttpStatusCode.Forbidden);
        await Problem.ReadAsync(etag, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Post_and_patch_answers_carry_no_etag_or_caching_headers_and_ignore_if_none_match()
    {
        var id = NewTenantId();
        using var post = await SendAsync(HttpMethod.Post, "/v1/tenants", $$"""{"tenantId":"{{id}}","displayName":"Post"}""", ifNoneMatch: "*");
        using var patch = await SendAsync(HttpMethod.Patch, $"/v1/tenants/{id}", """{"displayName":"Patched"}""", ifNoneMatch: "*");

        foreach (var response in new[] { post, patch })
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Null(response.Headers.ETag);
            Assert.False(response.Headers.Contains("Surrogate-Key"));
            Assert.Null(response.Headers.CacheControl);
        }
    }

    [Fact]
    public async Task Errors_stay_problem_json_without_an_etag_or_caching_headers()
    {
        using var missing = await SendAsync(HttpMethod.Get, "/v1/tenants/no-such-tenant", ifNoneMatch: "*");
        using var anonymous = new HttpRequestMessage(HttpMethod.Get, "/v1/whoami") { Headers = { { "If-None-Match", "*" } } };
        using var unauthorized = await Runtime.Http.SendAsync(anonymous);

        foreach (var (response, status) in new[] { (missing, HttpStatusCode.NotFound), (unauthorized, HttpStatusCode.Unauthorized) })
        {
            await Problem.ReadAsync(response, status);
            Assert.Null(response.Headers.ETag);
            Assert.Null(response.Headers.CacheControl);
            Assert.False(response.Headers.Contains("Cache-Tag"));
        }
    }

    [Fact]
    public async Task Head_answers_with_the_headers_of_the_get_and_no_body_and_honours_if_none_match()
    {
        var tenant = await CreateTenantAsync();
        using var get = await SendAsync(HttpMethod.Get, $"/v1/tenants/{tenant}");
        var body = await get.Content.ReadAsByteArrayAsync();

        using var head = await SendAsync(HttpMethod.Head, $"/v1/tenants/{tenant}");
        using var conditional = await SendAsync(HttpMethod.Head, $"/v1/tenants/{tenant}", ifNoneMatch: get.Headers.ETag!.Tag);

        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(get.Headers.ETag, head.Headers.ETag);
        Assert.Equal(body.Length, head.Content.Headers.ContentLength);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
        Assert.Equal($"tenant:{tenant}", Header(head, "Surrogate-Key"));
        Assert.Equal(HttpStatusCode.NotModified, conditional.StatusCode);
    }

    [Fact]
    public async Task Whoami_is_tagged_with_the_tenant_and_the_key_that_asked()
    {
        using var response = await SendAsync(HttpMethod.Get, "/v1/whoami");
        var keyId = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("keyId").GetString();

        Assert.Equal($"tenant:system,api-key:{keyId}", Header(response, "Cache-Tag"));
    }

    [Fact]
    public async Task The_anonymous_openapi_document_is_public_for_five_minutes_with_an_etag_and_no_vary()
    {
        using var response = await Runtime.Http.GetAsync("/openapi/v1.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotNull(response.Headers.ETag);
        Assert.True(response.Headers.CacheControl is { Public: true, Private: false }, response.Headers.CacheControl?.ToString());
        Assert.Equal(TimeSpan.FromMinutes(5), response.Headers.CacheControl?.MaxAge);
        Assert.Empty(response.Headers.Vary);
    }

    [Fact]
    public async Task Grpc_calls_of_the_same_method_get_no_http_caching_headers()
    {
        var tenant = await CreateTenantAsync();
        var tenants = new Tenants.TenantsClient(Runtime.Grpc);

        using var call = tenants.GetTenantAsync(new GetTenantRequest { TenantId = tenant }, RuntimeProcess.WithKey(RuntimeProcess.BootstrapKey));
        var answer = await call.ResponseAsync;
        var headers = await call.ResponseHeadersAsync;

        Assert.Equal(tenant, answer.TenantId);
        Assert.DoesNotContain(headers, h => h.Key is "etag" or "surrogate-key" or "cache-tag" or "cache-control");
    }

    [Fact]
    public async Task An_operator_can_configure_the_api_as_public_for_a_cdn_that_keys_on_the_api_key()
    {
        await using var runtime = await RuntimeProcess.StartAsync(new Dictionary<string, string?>
        {
            ["Allixios__Runtime__HttpCaching__Paths__/v1__CacheControl"] = "public, max-age=60",
        });
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/whoami") { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", RuntimeProcess.BootstrapKey) } };

        using var response = await runtime.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.CacheControl is { Public: true, Private: false }, response.Headers.CacheControl?.ToString());
        Assert.Equal(TimeSpan.FromSeconds(60), response.Headers.CacheControl?.MaxAge);
        Assert.Equal(["Authorization", "X-Api-Key"], response.Headers.Vary);
        Assert.NotNull(response.Headers.ETag);
    }

    private static string NewTenantId() => "c-" + Guid.NewGuid().ToString("N")[..12];

    private static void AssertPrivateNoCache(HttpResponseMessage response)
        => Assert.True(response.Headers.CacheControl is { Private: true, NoCache: true, Public: false, MaxAge: null }, response.Headers.CacheControl?.ToString());

    private static string? Header(HttpResponseMessage response, string name)
        => response.Headers.TryGetValues(name, out var values) ? string.Join(", ", values) : null;

    private async Task<string> CreateTenantAsync()
    {
        var id = NewTenantId();
        using var response = await SendAsync(HttpMethod.Post, "/v1/tenants", $$"""{"tenantId":"{{id}}","displayName":"Cached {{id}}"}""");
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return id;
    }

    private async Task<string> CreateKeyAsync(string tenant, string scope)
    {
        using var response = await SendAsync(HttpMethod.Post, $"/v1/tenants/{tenant}/api-keys", $$"""{"name":"cache test","scopes":["{{scope}}"]}""");
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("secret").GetString()!;
    }

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? json = null, string key = RuntimeProcess.BootstrapKey, string? ifNoneMatch = null)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        if (ifNoneMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-None-Match", ifNoneMatch);
        }

        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        return Runtime.Http.SendAsync(request);
    }
}

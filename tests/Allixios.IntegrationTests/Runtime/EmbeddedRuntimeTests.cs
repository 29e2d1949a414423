using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Allixios.Runtime.Contracts.V1;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Reflection.V1Alpha;
using Xunit;

namespace Allixios.IntegrationTests.Runtime;

/// <summary>The runtime on its embedded default, called over HTTP/JSON and gRPC as a client would.</summary>
public sealed class EmbeddedRuntimeTests(EmbeddedRuntimeFixture fixture) : IClassFixture<EmbeddedRuntimeFixture>
{
    private RuntimeProcess Runtime => fixture.Runtime;

    [Fact]
    public async Task It_prints_its_http_and_grpc_addresses_and_is_live_and_ready()
    {
        Assert.Contains($"HTTP/JSON on http://127.0.0.1:{Runtime.HttpPort}", Runtime.Output, StringComparison.Ordinal);
        Assert.Contains($"gRPC and HTTP/JSON over HTTP/2 on http://127.0.0.1:{Runtime.GrpcPort}", Runtime.Output, StringComparison.Ordinal);
        using var live = await Runtime.Http.GetAsync("/health/live");
        using var ready = await Runtime.Http.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Healthy", (await ready.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Whoami_without_a_key_is_401_problem_json_that_says_how_to_send_one()
    {
        using var response = await Runtime.Http.GetAsync("/v1/whoami");

        var problem = await Problem.ReadAsync(response, HttpStatusCode.Unauthorized);
        Assert.Equal("missing_api_key", problem.Reason);
        Assert.Contains("Authorization: Bearer", problem.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Whoami_with_the_bootstrap_key_names_the_system_tenant_over_http_with_either_header()
    {
        using var bearer = new HttpRequestMessage(HttpMethod.Get, "/v1/whoami") { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", RuntimeProcess.BootstrapKey) } };
        using var apiKey = new HttpRequestMessage(HttpMethod.Get, "/v1/whoami") { Headers = { { "X-Api-Key", RuntimeProcess.BootstrapKey } } };

        foreach (var request in new[] { bearer, apiKey })
        {
            using var response = await Runtime.Http.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var me = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("system", me.GetProperty("tenantId").GetString());
            Assert.Equal("admin", me.GetProperty("scopes")[0].GetString());
        }
    }

    [Fact]
    public async Task Whoami_over_grpc_names_the_tenant_and_refuses_a_call_without_a_key()
    {
        var identity = new Identity.IdentityClient(Runtime.Grpc);

        var me = await identity.WhoAmIAsync(new WhoAmIRequest(), RuntimeProcess.WithKey(RuntimeProcess.BootstrapKey));
        var refused = await Assert.ThrowsAsync<RpcException>(async () => await identity.WhoAmIAsync(new WhoAmIRequest()));

        Assert.Equal("system", me.TenantId);
        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
        Assert.Contains("No API key was sent", refused.Status.Detail, StringComparison.Ordinal);
        Assert.Equal("missing_api_key", refused.Trailers.GetValue("allixios-error-reason"));
    }

    [Fact]
    public async Task A_tenant_key_created_over_http_authenticates_over_grpc_and_stops_when_revoked()
    {
        var tenant = await CreateTenantAsync();
        var (keyId, secret) = await CreateKeyAsync(tenant, "content:read");
        var identity = new Identity.IdentityClient(Runtime.Grpc);

        var me = await identity.WhoAmIAsync(new WhoAmIRequest(), RuntimeProcess.WithKey(secret));
        Assert.Equal(tenant, me.TenantId);
        Assert.Equal(["content:read"], me.Scopes);

        using (var revoke = await SendAsync(HttpMethod.Post, $"/v1/tenants/{tenant}/api-keys/{keyId}:revoke", "{}"))
        {
            Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        }

        using var afterRevoke = await SendAsync(HttpMethod.Get, "/v1/whoami", key: secret);
        var problem = await Problem.ReadAsync(afterRevoke, HttpStatusCode.Unauthorized);
        Assert.Equal("invalid_api_key", problem.Reason);
        Assert.Contains("revoked", problem.Detail, StringComparison.Ordinal);
        var refused = await Assert.ThrowsAsync<RpcException>(async () => await identity.WhoAmIAsync(new WhoAmIRequest(), RuntimeProcess.WithKey(secret)));
        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
    }

    [Fact]
    public async Task A_tenant_key_cannot_reach_another_tenant_or_act_beyond_its_scopes()
    {
        var mine = await CreateTenantAsync();
        var theirs = await CreateTenantAsync();
        var (_, reader) = await CreateKeyAsync(mine, "keys:read");

        using var ownKeys = await SendAsync(HttpMethod.Get, $"/v1/tenants/{mine}/api-keys", key: reader);
        using var otherKeys = await SendAsync(HttpMethod.Get, $"/v1/tenants/{theirs}/api-keys", key: reader);
        using var issue = await SendAsync(HttpMethod.Post, $"/v1/tenants/{mine}/api-keys", """{"name":"x","scopes":["content:read"]}""", key: reader);
        using var createTenant = await SendAsync(HttpMethod.Post, "/v1/tenants", """{"tenantId":"sneaky"}""", key: reader);

        Assert.Equal(HttpStatusCode.OK, ownKeys.StatusCode);
        Assert.Contains($"cannot act on tenant '{theirs}'", (await Problem.ReadAsync(otherKeys, HttpStatusCode.Forbidden)).Detail, StringComparison.Ordinal);
        Assert.Contains("'keys:write'", (await Problem.ReadAsync(issue, HttpStatusCode.Forbidden)).Detail, StringComparison.Ordinal);
        Assert.Contains("'admin'", (await Problem.ReadAsync(createTenant, HttpStatusCode.Forbidden)).Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tenants_are_created_read_updated_listed_and_audited_over_http()
    {
        var tenant = await CreateTenantAsync("""{"limits":{"jobs.concurrency":4},"features":{"search.semantic":true}}""");

        using var update = await SendAsync(HttpMethod.Patch, $"/v1/tenants/{tenant}", """{"displayName":"Renamed","limits":{"jobs.concurrency":-1,"budget.daily_cents":500},"removedFeatures":["search.semantic"]}""");
        var updated = await update.Content.ReadFromJsonAsync<JsonElement>();
        using var list = await SendAsync(HttpMethod.Get, "/v1/tenants?pageSize=500");
        using var audit = await SendAsync(HttpMethod.Get, $"/v1/tenants/{tenant}/audit-log");

        Assert.Equal(HttpStatusCode.OK, update.StatusCode);
        Assert.Equal("Renamed", updated.GetProperty("displayName").GetString());
        Assert.Equal(500, updated.GetProperty("limits").GetProperty("budget.daily_cents").GetInt64());
        Assert.False(updated.GetProperty("limits").TryGetProperty("jobs.concurrency", out _));
        Assert.Empty(updated.GetProperty("features").EnumerateObject());
        Assert.Contains((await list.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("tenants").EnumerateArray(), t => t.GetProperty("tenantId").GetString() == tenant);
        var actions = (await audit.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("action").GetString()).ToList();
        Assert.Equal(["tenant.update", "tenant.create"], actions);
    }

    [Fact]
    public async Task Tenant_pages_follow_the_next_page_token_to_the_end()
    {
        for (var i = 0; i < 3; i++)
        {
            await CreateTenantAsync();
        }

        var seen = new List<string>();
        var token = string.Empty;
        do
        {
            using var page = await SendAsync(HttpMethod.Get, $"/v1/tenants?pageSize=2&pageToken={token}");
            var body = await page.Content.ReadFromJsonAsync<JsonElement>();
            seen.AddRange(body.GetProperty("tenants").EnumerateArray().Select(t => t.GetProperty("tenantId").GetString()!));
            token = body.GetProperty("nextPageToken").GetString();
        }
        while (!string.IsNullOrEmpty(token));

        Assert.Equal(seen.Order(StringComparer.Ordinal), seen);
        Assert.Equal(seen.Distinct().Count(), seen.Count);
        Assert.True(seen.Count >= 4);
    }

    [Theory]
    [InlineData("{\"tenantId\": \"abc\", ", "malformed_json", "not valid JSON")]
    [InlineData("[1, 2]", "malformed_json", "must be a JSON object")]
    [InlineData("{\"tenantId\": \"abc\", \"limits\": {\"jobs\": \"many\"}}", "invalid_field_type", "wrong type")]
    [InlineData("{\"tenantId\": 42, \"limits\": 7}", "invalid_field_type", "wrong type")]
    [InlineData("{\"tenantId\": \"Not Valid!\"}", "invalid_tenant_id", "lower-case letters")]
    [InlineData("{\"tenantId\": \"okay-id\", \"limits\": {\"bad name!\": 1}}", "invalid_setting_name", "is not valid")]
    public async Task Bad_tenant_bodies_are_400_problem_json_that_say_what_to_fix(string body, string reason, string hint)
    {
        using var response = await SendAsync(HttpMethod.Post, "/v1/tenants", body);

        var problem = await Problem.ReadAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(reason, problem.Reason);
        Assert.Contains(hint, problem.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/v1/tenants?pageSize=100000", "invalid_page_size")]
    [InlineData("/v1/tenants?pageToken=%25%25%25", "invalid_page_token")]
    [InlineData("/v1/tenants?pageSize=abc", "invalid_argument")]
    [InlineData("/v1/tenants/NOPE_", "invalid_tenant_id")]
    public async Task Bad_query_and_path_values_are_400_problem_json(string path, string reason)
    {
        using var response = await SendAsync(HttpMethod.Get, path);

        Assert.Equal(reason, (await Problem.ReadAsync(response, HttpStatusCode.BadRequest)).Reason);
    }

    [Fact]
    public async Task Missing_things_and_duplicates_have_their_own_problem_types()
    {
        var tenant = await CreateTenantAsync();
        using var missingTenant = await SendAsync(HttpMethod.Get, "/v1/tenants/no-such-tenant");
        using var missingKey = await SendAsync(HttpMethod.Post, $"/v1/tenants/{tenant}/api-keys/key_0000:revoke", "{}");
        using var duplicate = await SendAsync(HttpMethod.Post, "/v1/tenants", $$"""{"tenantId":"{{tenant}}"}""");
        using var adminScopeForTenant = await SendAsync(HttpMethod.Post, $"/v1/tenants/{tenant}/api-keys", """{"name":"x","scopes":["admin"]}""");
        using var noScopes = await SendAsync(HttpMethod.Post, $"/v1/tenants/{tenant}/api-keys", """{"name":"x","scopes":[]}""");

        Assert.Equal("https://allixios.dev/problems/tenant-not-found", (await Problem.ReadAsync(missingTenant, HttpStatusCode.NotFound)).Type);
        Assert.Equal("api_key_not_found", (await Problem.ReadAsync(missingKey, HttpStatusCode.NotFound)).Reason);
        Assert.Equal("tenant_exists", (await Problem.ReadAsync(duplicate, HttpStatusCode.Conflict)).Reason);
        Assert.Equal("admin_scope_not_allowed", (await Problem.ReadAsync(adminScopeForTenant, HttpStatusCode.BadRequest)).Reason);
        Assert.Equal("missing_scopes", (await Problem.ReadAsync(noScopes, HttpStatusCode.BadRequest)).Reason);
    }

    [Fact]
    public async Task The_openapi_document_describes_every_error_as_the_problem_json_actually_served()
    {
        var openApi = await Runtime.Http.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        using var error = await SendAsync(HttpMethod.Get, "/v1/tenants/no-such-tenant");
        var served = (await error.Content.ReadFromJsonAsync<JsonElement>()).EnumerateObject().Select(p => p.Name).ToList();

        var problem = openApi.GetProperty("components").GetProperty("schemas").GetProperty("Problem");
        var documented = problem.GetProperty("properties").EnumerateObject().Select(p => p.Name).ToList();
        var operations = openApi.GetProperty("paths").EnumerateObject().SelectMany(path => path.Value.EnumerateObject()).ToList();
        Assert.NotEmpty(operations);
        foreach (var operation in operations)
        {
            var content = operation.Value.GetProperty("responses").GetProperty("default").GetProperty("content");
            Assert.Equal("#/components/schemas/Problem", content.GetProperty("application/problem+json").GetProperty("schema").GetProperty("$ref").GetString());
            Assert.False(content.TryGetProperty("application/json", out _), operation.Name);
        }

        Assert.Equal("application/problem+json", error.Content.Headers.ContentType?.MediaType);
        Assert.Equal(documented.Order(StringComparer.Ordinal), served.Order(StringComparer.Ordinal));
        Assert.DoesNotContain("#/components/schemas/Status", openApi.GetRawText(), StringComparison.Ordinal);
        Assert.DoesNotContain("#/components/schemas/Any", openApi.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_post_without_a_body_reads_as_the_message_with_no_fields_set()
    {
        using var noBody = new HttpRequestMessage(HttpMethod.Post, "/v1/search:reindex") { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", RuntimeProcess.BootstrapKey) } };
        using var emptyJson = new HttpRequestMessage(HttpMethod.Post, "/v1/search:reindex")
        {
            Headers = { Authorization = new AuthenticationHeaderValue("Bearer", RuntimeProcess.BootstrapKey) },
            Content = new StringContent(string.Empty, Encoding.UTF8, "application/json"),
        };

        foreach (var request in new[] { noBody, emptyJson })
        {
            using var response = await Runtime.Http.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(0, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("reindexed").GetInt32());
        }

        // A body that is there but not JSON is still the caller's mistake.
        using var notJson = await SendAsync(HttpMethod.Post, "/v1/search:reindex", "{");
        Assert.Equal("malformed_json", (await Problem.ReadAsync(notJson, HttpStatusCode.BadRequest)).Reason);
    }

    [Fact]
    public async Task An_oversized_body_with_an_announced_length_is_413_before_it_is_read()
    {
        var huge = $$"""{"tenantId":"big-one","displayName":"{{new string('x', 70_000)}}"}""";

        using var announced = await SendAsync(HttpMethod.Post, "/v1/tenants", huge);

        Assert.Equal("payload_too_large", (await Problem.ReadAsync(announced, HttpStatusCode.RequestEntityTooLarge)).Reason);
    }

    [Fact]
    public async Task A_chunked_body_that_grows_past_the_limit_is_413_problem_json()
    {
        // A raw connection, so the body can stop just past the limit: the server then has nothing unread when it
        // answers and closes, and the answer is not lost to a connection reset.
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, Runtime.HttpPort);
        var stream = tcp.GetStream();
        var head = $"POST /v1/tenants HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {RuntimeProcess.BootstrapKey}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        foreach (var chunk in new[] { "{\"tenantId\":\"big-chunks\",\"displayName\":\"" + new string('x', 60_000), new string('x', 10_000) })
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"{chunk.Length:X}\r\n{chunk}\r\n"));
            await Task.Delay(200);
        }

        using var reader = new StreamReader(stream, Encoding.UTF8);
        var response = await reader.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(response.StartsWith("HTTP/1.1 413", StringComparison.Ordinal), response);
        Assert.True(response.Contains("Content-Type: application/problem+json", StringComparison.OrdinalIgnoreCase), response);
        Assert.Contains("\"reason\":\"payload_too_large\"", response, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Oversized_grpc_messages_are_refused_with_resource_exhausted()
    {
        var tenants = new Tenants.TenantsClient(Runtime.Grpc);

        var error = await Assert.ThrowsAsync<RpcException>(async () => await tenants.CreateTenantAsync(
            new CreateTenantRequest { TenantId = "big-grpc", DisplayName = new string('x', 200_000) },
            RuntimeProcess.WithKey(RuntimeProcess.BootstrapKey)));

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
    }

    [Fact]
    public async Task Invalid_grpc_arguments_carry_the_message_and_the_stable_reason()
    {
        var tenants = new Tenants.TenantsClient(Runtime.Grpc);

        var error = await Assert.ThrowsAsync<RpcException>(async () => await tenants.CreateTenantAsync(
            new CreateTenantRequest { TenantId = "UPPER" }, RuntimeProcess.WithKey(RuntimeProcess.BootstrapKey)));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("'UPPER' is not valid", error.Status.Detail, StringComparison.Ordinal);
        Assert.Equal("invalid_tenant_id", error.Trailers.GetValue("allixios-error-reason"));
    }

    [Theory]
    [InlineData("GET", "/no/such/route", HttpStatusCode.NotFound)]
    [InlineData("DELETE", "/v1/whoami", HttpStatusCode.NotFound)]
    [InlineData("PUT", "/v1/tenants", HttpStatusCode.NotFound)]
    public async Task Unknown_routes_and_methods_are_problem_json(string method, string path, HttpStatusCode status)
    {
        using var response = await SendAsync(new HttpMethod(method), path);

        var problem = await Problem.ReadAsync(response, status);
        Assert.Contains(path, problem.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_key_is_refused_with_a_message_that_says_it_is_not_valid()
    {
        using var response = await SendAsync(HttpMethod.Get, "/v1/whoami", key: "alx_not-a-real-key");

        var problem = await Problem.ReadAsync(response, HttpStatusCode.Unauthorized);
        Assert.Contains("not valid", problem.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Grpc_health_and_reflection_answer_without_a_key()
    {
        var health = await new Health.HealthClient(Runtime.Grpc).CheckAsync(new HealthCheckRequest());
        var reflection = new ServerReflection.ServerReflectionClient(Runtime.Grpc).ServerReflectionInfo();
        await reflection.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = string.Empty });
        await reflection.RequestStream.CompleteAsync();
        Assert.True(await reflection.ResponseStream.MoveNext(CancellationToken.None));
        var services = reflection.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name).ToList();

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
        Assert.Contains("allixios.v1.Tenants", services);
        Assert.Contains("allixios.v1.ApiKeys", services);
        Assert.Contains("allixios.v1.Identity", services);
    }

    [Fact]
    public async Task The_openapi_document_the_reference_page_and_prometheus_metrics_are_served()
    {
        await SendAsync(HttpMethod.Get, "/v1/whoami");
        var openApi = await Runtime.Http.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        using var docs = await Runtime.Http.GetAsync("/docs/index.html");
        var metrics = await Runtime.Http.GetStringAsync("/metrics");

        Assert.True(openApi.GetProperty("paths").TryGetProperty("/v1/whoami", out _));
        Assert.True(openApi.GetProperty("paths").TryGetProperty("/v1/tenants/{tenantId}/api-keys", out _));
        Assert.Equal(HttpStatusCode.OK, docs.StatusCode);
        Assert.Contains("swagger", await docs.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        Assert.Contains("allixios_api_key_authentications_total", metrics, StringComparison.Ordinal);
        Assert.Contains("http_server_request_duration_seconds", metrics, StringComparison.Ordinal);
        Assert.Contains("kestrel_active_connections", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Http_json_is_also_served_over_http2_on_the_grpc_port()
    {
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{Runtime.GrpcPort}") };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/whoami")
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Headers = { Authorization = new AuthenticationHeaderValue("Bearer", RuntimeProcess.BootstrapKey) },
        };

        using var response = await client.SendAsync(request);

        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        Assert.Equal(HttpVersion.Version20, response.Version);
    }

    private async Task<string> CreateTenantAsync(string? extraJson = null)
    {
        var id = "t-" + Guid.NewGuid().ToString("N")[..12];
        var body = extraJson is null
            ? $$"""{"tenantId":"{{id}}","displayName":"Test {{id}}"}"""
            : $$"""{"tenantId":"{{id}}","displayName":"Test {{id}}",{{extraJson.Trim()[1..^1]}}}""";
        using var response = await SendAsync(HttpMethod.Post, "/v1/tenants", body);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return id;
    }

    private async Task<(string KeyId, string Secret)> CreateKeyAsync(string tenant, params string[] scopes)
    {
        using var response = await SendAsync(HttpMethod.Post, $"/v1/tenants/{tenant}/api-keys", JsonSerializer.Serialize(new { name = "test key", scopes }));
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (body.GetProperty("apiKey").GetProperty("keyId").GetString()!, body.GetProperty("secret").GetString()!);
    }

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? json = null, string key = RuntimeProcess.BootstrapKey)
        => Runtime.SendAsync(method, path, json, key);
}

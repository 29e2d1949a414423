using System.Globalization;
using System.Net;
using System.Text.Json;
using Allixios.Runtime.Contracts.V1;
using Grpc.Core;
using Xunit;

namespace Allixios.IntegrationTests.Runtime.Ai;

/// <summary>The runtime's AI API over HTTP/JSON and gRPC, routing to WireMock upstreams in the providers' wire formats.</summary>
public sealed class AiApiTests(AiRuntimeFixture fixture) : IClassFixture<AiRuntimeFixture>
{
    private RuntimeProcess Runtime => fixture.Runtime;

    [Fact]
    public async Task A_completion_over_http_returns_the_text_and_its_priced_usage()
    {
        var key = await NewTenantKeyAsync("ai:write");

        var body = await Runtime.SendOkAsync(HttpMethod.Post, "/v1/ai:complete", """{"messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Hi"}],"maxOutputTokens":100}""", key);

        Assert.Equal("Hello from OpenAI", body.GetProperty("text").GetString());
        Assert.Equal("stop", body.GetProperty("finishReason").GetString());
        var usage = body.GetProperty("usage");
        Assert.Equal("gpt", usage.GetProperty("deployment").GetString());
        Assert.Equal("19", usage.GetProperty("inputTokens").GetRawText().Trim('"'));
        // 11 uncached and 8 cached prompt tokens, 10 output tokens, at gpt-4o-mini's prices.
        Assert.Equal((11 * 1.5e-07m) + (8 * 7.5e-08m) + (10 * 6e-07m), decimal.Parse(usage.GetProperty("cost").GetString()!, CultureInfo.InvariantCulture));
        Assert.Equal(1, usage.GetProperty("attempts").GetInt32());
    }

    [Fact]
    public async Task A_streamed_completion_over_grpc_sends_the_text_then_the_usage()
    {
        var key = await NewTenantKeyAsync("ai:write");
        var client = new Allixios.Runtime.Contracts.V1.Ai.AiClient(Runtime.Grpc);
        var request = new CompleteRequest { Messages = { new ChatTurn { Role = "user", Content = "Hi" } } };

        using var call = client.StreamComplete(request, RuntimeProcess.WithKey(key));
        var chunks = new List<CompleteChunk>();
        await foreach (var chunk in call.ResponseStream.ReadAllAsync())
        {
            chunks.Add(chunk);
        }

        Assert.Equal("Hello stream", string.Concat(chunks.Select(c => c.Text)));
        var usage = chunks[^1].Usage;
        Assert.Equal("gpt", usage.Deployment);
        Assert.Equal(9, usage.InputTokens);
        Assert.Equal(2, usage.OutputTokens);
        Assert.False(usage.Estimated);
        Assert.Single(chunks, c => c.Usage is not null);
    }

    [Fact]
    public async Task A_streamed_completion_over_server_sent_events_sends_data_lines_then_the_usage()
    {
        var key = await NewTenantKeyAsync("ai:write");

        using var response = await Runtime.SendAsync(HttpMethod.Post, "/v1/ai/completions:sse", """{"messages":[{"role":"user","content":"Hi"}]}""", key);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var chunks = (await response.Content.ReadAsStringAsync())
            .Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
            .Select(e => JsonDocument.Parse(e["data: ".Length..]).RootElement)
            .ToList();
        Assert.Equal("Hello stream", string.Concat(chunks.Select(c => c.GetProperty("text").GetString())));
        Assert.Equal("gpt", chunks[^1].GetProperty("usage").GetProperty("deployment").GetString());
        Assert.Equal(2, int.Parse(chunks[^1].GetProperty("usage").GetProperty("outputTokens").GetString()!, CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task A_server_sent_events_completion_that_cannot_start_is_still_a_problem_answer()
    {
        var key = await NewTenantKeyAsync("ai:write");

        using var unknown = await Runtime.SendAsync(HttpMethod.Post, "/v1/ai/completions:sse", """{"messages":[{"role":"user","content":"Hi"}],"model":"gpt-17"}""", key);
        using var failing = await Runtime.SendAsync(HttpMethod.Post, "/v1/ai/completions:sse", """{"messages":[{"role":"user","content":"everything-fails"}]}""", key);

        Assert.Equal("unknown_model", (await Problem.ReadAsync(unknown, HttpStatusCode.BadRequest)).Reason);
        Assert.Equal("ai_provider_unavailable", (await Problem.ReadAsync(failing, HttpStatusCode.ServiceUnavailable)).Reason);
    }

    [Fact]
    public async Task Embeddings_over_http_come_back_in_input_order()
    {
        var key = await NewTenantKeyAsync("ai:write");

        var body = await Runtime.SendOkAsync(HttpMethod.Post, "/v1/ai:embed", """{"inputs":["first","second"]}""", key);

        var embeddings = body.GetProperty("embeddings");
        Assert.Equal(2, embeddings.GetArrayLength());
        Assert.Equal(0.5, embeddings[1].GetProperty("values")[0].GetDouble(), 6);
        Assert.Equal("embed", body.GetProperty("usage").GetProperty("deployment").GetString());
    }

    [Fact]
    public async Task The_model_list_shows_each_served_model_with_prices_and_capabilities()
    {
        var key = await NewTenantKeyAsync("ai:read");

        var body = await Runtime.SendOkAsync(HttpMethod.Get, "/v1/ai/models", key: key);

        var models = body.GetProperty("models").EnumerateArray().ToDictionary(m => m.GetProperty("name").GetString()!, m => m);
        Assert.Equal(["claude-3-5-haiku-20241022", "gpt-4o-mini", "text-embedding-3-small"], models.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("0.00000015", models["gpt-4o-mini"].GetProperty("inputCostPerToken").GetString());
        Assert.Contains("json_mode", models["gpt-4o-mini"].GetProperty("capabilities").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal("claude", models["claude-3-5-haiku-20241022"].GetProperty("deployments")[0].GetString());
    }

    [Theory]
    [InlineData("""{"messages":[{"role":"user","content":"Hi"}],"model":"gpt-17"}""", "unknown_model")]
    [InlineData("""{"messages":[]}""", "empty_messages")]
    [InlineData("""{"messages":[{"role":"user","content":"Hi"}],"maxOutputTokens":5000000}""", "context_window_exceeded")]
    [InlineData("""{"messages":[{"role":"wizard","content":"Hi"}]}""", "invalid_role")]
    public async Task Bad_input_is_a_400_problem_that_says_what_to_fix(string json, string reason)
    {
        var key = await NewTenantKeyAsync("ai:write");

        using var response = await Runtime.SendAsync(HttpMethod.Post, "/v1/ai:complete", json, key);

        Assert.Equal(reason, (await Problem.ReadAsync(response, HttpStatusCode.BadRequest)).Reason);
    }

    [Theory]
    [InlineData("""{"messages":[{"role":"user","content":"Hi"}""", "malformed_json")]
    [InlineData("""{"messages":"Hi"}""", "invalid_field_type")]
    [InlineData("""{"messages":[{"role":"user","content":"Hi"}],"maxOutputTokens":"many"}""", "invalid_field_type")]
    [InlineData("""[1,2]""", "malformed_json")]
    public async Task A_completion_body_that_is_not_a_request_is_a_400_problem_saying_where_it_goes_wrong(string json, string reason)
    {
        var key = await NewTenantKeyAsync("ai:write");

        using var response = await Runtime.SendAsync(HttpMethod.Post, "/v1/ai:complete", json, key);

        Assert.Equal(reason, (await Problem.ReadAsync(response, HttpStatusCode.BadRequest)).Reason);
    }

    [Fact]
    public async Task A_completion_without_a_key_or_with_an_unknown_one_is_a_401()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/ai:complete") { Content = new StringContent("""{"messages":[{"role":"user","content":"Hi"}]}""", System.Text.Encoding.UTF8, "application/json") };
        using var missing = await Runtime.Http.SendAsync(request);
        using var unknown = await Runtime.SendAsync(HttpMethod.Post, "/v1/ai:complete", """{"messages":[{"role":"user","content":"Hi"}]}""", "alx_not-a-key");

        Assert.Equal("missing_api_key", (await Problem.ReadAsync(missing, HttpStatusCode.Unauthorized)).Reason);
        Assert.Equal("invalid_api_key", (await Problem.ReadAsync(unknown, HttpStatusCode.Unauthorized)).Reason);
    }

    [Fact]
    public async Task When_every_provider_fails_the_answer_is_a_503_naming_each_failure()
    {
        var key = await NewTenantKeyAsync("ai:write");

        using var response = await Runtime.SendAsync(HttpMethod.Post, "/v1/ai:complete", """{"messages":[{"role":"user","content":"everything-fails"}]}""", key);

        var problem = await Problem.ReadAsync(response, HttpStatusCode.ServiceUnavailable);
        Assert.Equal("ai_provider_unavailable", problem.Reason);
        Assert.Contains("openai answered 500", problem.Detail, StringComparison.Ordinal);
        Assert.Contains("anthropic answered 529", problem.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_key_without_the_ai_scope_is_refused()
    {
        var key = await NewTenantKeyAsync("ai:read");

        using var response = await Runtime.SendAsync(HttpMethod.Post, "/v1/ai:complete", """{"messages":[{"role":"user","content":"Hi"}]}""", key);
        var error = await Assert.ThrowsAsync<RpcException>(async () => await new Allixios.Runtime.Contracts.V1.Ai.AiClient(Runtime.Grpc).CompleteAsync(
            new CompleteRequest { Messages = { new ChatTurn { Role = "user", Content = "Hi" } } },
            RuntimeProcess.WithKey(key)));

        await Problem.ReadAsync(response, HttpStatusCode.Forbidden);
        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
    }

    private async Task<string> NewTenantKeyAsync(string scope)
    {
        var tenant = "ai-" + Guid.NewGuid().ToString("N")[..12];
        await Runtime.SendOkAsync(HttpMethod.Post, "/v1/tenants", $$"""{"tenantId":"{{tenant}}"}""");
        var issued = await Runtime.SendOkAsync(HttpMethod.Post, $"/v1/tenants/{tenant}/api-keys", $$"""{"name":"ai test","scopes":["{{scope}}"]}""");
        return issued.GetProperty("secret").GetString()!;
    }
}

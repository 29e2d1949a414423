using System.Net;
using System.Text.Json;
using WireMock.RequestBuilders;
using Xunit;
using static Allixios.Sdk.Tests.AiRouting.FineTuning.FineTuningWire;
using static Allixios.Sdk.Tests.AiRouting.WireFormats;

namespace Allixios.IntegrationTests.Runtime.Ai;

/// <summary>
/// The runtime's AI response cache (a field on the completion request, the stats and false-hit endpoints) and its
/// fine-tuning API, over HTTP/JSON against the WireMock upstreams in OpenAI's wire format.
/// </summary>
public sealed class AiCacheAndFineTuningApiTests(AiRuntimeFixture fixture) : IClassFixture<AiRuntimeFixture>
{
    private RuntimeProcess Runtime => fixture.Runtime;

    [Fact]
    public async Task An_exact_cache_hit_over_http_skips_the_provider_and_shows_in_the_tenants_stats_only()
    {
        var key = await NewTenantKeyAsync("ai:write", "ai:read");
        var other = await NewTenantKeyAsync("ai:write", "ai:read");
        var marker = Guid.NewGuid().ToString("N");
        var body = $$"""{"messages":[{"role":"user","content":"Headline {{marker}}"}],"temperature":0,"cache":"exact"}""";

        var first = await Runtime.SendOkAsync(HttpMethod.Post, "/v1/ai:complete", body, key);
        var second = await Runtime.SendOkAsync(HttpMethod.Post, "/v1/ai:complete", body, key);
        var otherTenant = await Runtime.SendOkAsync(HttpMethod.Post, "/v1/ai:complete", body, other);

        Assert.Equal(2, UpstreamCalls(marker));
        Assert.False(first.TryGetProperty("cacheHit", out _));
        Assert.False(otherTenant.TryGetProperty("cacheHit", out _));
        Assert.Equal(first.GetProperty("text").GetString(), second.GetProperty("text").GetString());
        Assert.Equal("exact", second.GetProperty("cacheHit").GetProperty("kind").GetString());
        Assert.Equal("allixios-cache", second.GetProperty("usage").GetProperty("provider").GetString());
        Assert.Equal("0", second.GetProperty("usage").GetProperty("cost").GetString());
        var stats = await Runtime.SendOkAsync(HttpMethod.Get, "/v1/ai/cache/stats", key: key);
        Assert.Equal((1L, 1L), (stats.GetProperty("exactHits").GetInt64(), stats.GetProperty("exactMisses").GetInt64()));
        var otherStats = await Runtime.SendOkAsync(HttpMethod.Get, "/v1/ai/cache/stats", key: other);
        Assert.Equal(0L, otherStats.TryGetProperty("exactHits", out var otherHits) ? otherHits.GetInt64() : 0L);
    }

    [Fact]
    public async Task A_cached_answer_streams_again_over_server_sent_events_and_a_false_hit_report_drops_it()
    {
        var key = await NewTenantKeyAsync("ai:write", "ai:read");
        var marker = Guid.NewGuid().ToString("N");
        var body = $$"""{"messages":[{"role":"user","content":"Stream {{marker}}"}],"cache":"exact"}""";

        var first = await StreamAsync(body, key);
        var replay = await StreamAsync(body, key);

        Assert.Equal(1, UpstreamCalls(marker));
        Assert.Equal("Hello stream", string.Concat(replay.Select(c => c.GetProperty("text").GetString())));
        Assert.Equal(string.Concat(first.Select(c => c.GetProperty("text").GetString())), string.Concat(replay.Select(c => c.GetProperty("text").GetString())));
        var hit = replay[^1].GetProperty("cacheHit");
        var entry = hit.GetProperty("entryId").GetString();

        await Runtime.SendOkAsync(HttpMethod.Post, "/v1/ai/cache:reportFalseHit", $$"""{"entryId":"{{entry}}"}""", key);
        using var again = await Runtime.SendAsync(HttpMethod.Post, "/v1/ai/cache:reportFalseHit", $$"""{"entryId":"{{entry}}"}""", key);
        await StreamAsync(body, key);

        Assert.Equal("cache_entry_not_found", (await Problem.ReadAsync(again, HttpStatusCode.NotFound)).Reason);
        Assert.Equal(2, UpstreamCalls(marker));
        var stats = await Runtime.SendOkAsync(HttpMethod.Get, "/v1/ai/cache/stats", key: key);
        Assert.Equal(1L, stats.GetProperty("exactFalseHits").GetInt64());
    }

    [Fact]
    public async Task Bad_cache_input_is_a_problem_answer_saying_what_to_send()
    {
        var key = await NewTenantKeyAsync("ai:write", "ai:read");

        using var mode = await Runtime.SendAsync(HttpMethod.Post, "/v1/ai:complete", """{"messages":[{"role":"user","content":"Hi"}],"cache":"fuzzy"}""", key);
        using var entry = await Runtime.SendAsync(HttpMethod.Post, "/v1/ai/cache:reportFalseHit", """{"entryId":"nonsense"}""", key);
        using var allTenants = await Runtime.SendAsync(HttpMethod.Get, "/v1/ai/cache/stats?allTenants=true", key: key);

        var modeProblem = await Problem.ReadAsync(mode, HttpStatusCode.BadRequest);
        Assert.Equal("invalid_cache_mode", modeProblem.Reason);
        Assert.Contains("off, exact or semantic", modeProblem.Detail, StringComparison.Ordinal);
        Assert.Equal("invalid_cache_entry_id", (await Problem.ReadAsync(entry, HttpStatusCode.BadRequest)).Reason);
        await Problem.ReadAsync(allTenants, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_fine_tuning_job_is_submitted_read_and_hidden_from_other_tenants_over_http()
    {
        fixture.OpenAi.Given(Request.Create().WithPath("/v1/files").UsingPost()).RespondWith(Json(FileUploaded));
        fixture.OpenAi.Given(Request.Create().WithPath("/v1/fine_tuning/jobs").UsingPost()).RespondWith(Json(JobValidating));
        var key = await NewTenantKeyAsync("ai:write", "ai:read");
        var other = await NewTenantKeyAsync("ai:write", "ai:read");
        var tenant = (await Runtime.SendOkAsync(HttpMethod.Get, "/v1/whoami", key: key)).GetProperty("tenantId").GetString()!;
        fixture.OpenAi.Given(Request.Create().WithPath("/v1/fine_tuning/jobs/ftjob-abc123").UsingGet()).RespondWith(Json(JobRunning.Replace("\"acme\"", $"\"{tenant}\"", StringComparison.Ordinal)));

        var created = await Runtime.SendOkAsync(HttpMethod.Post, "/v1/ai/fine-tuning/jobs", JsonSerializer.Serialize(new { baseModel = "gpt-4o-mini", trainingData = TrainingData, suffix = "headlines" }), key);
        var read = await Runtime.SendOkAsync(HttpMethod.Get, "/v1/ai/fine-tuning/jobs/ftjob-abc123", key: key);
        using var hidden = await Runtime.SendAsync(HttpMethod.Get, "/v1/ai/fine-tuning/jobs/ftjob-abc123", key: other);

        Assert.Equal(("ftjob-abc123", "validating_files"), (created.GetProperty("id").GetString(), created.GetProperty("status").GetString()));
        Assert.Equal("running", read.GetProperty("status").GetString());
        Assert.Equal("fine_tuning_job_not_found", (await Problem.ReadAsync(hidden, HttpStatusCode.NotFound)).Reason);
        var create = fixture.OpenAi.LogEntries.Last(e => e.RequestMessage.Path == "/v1/fine_tuning/jobs").RequestMessage.Body!;
        Assert.Contains($"\"allixios_tenant\":\"{tenant}\"", create, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_training_file_is_a_problem_answer_naming_its_lines_before_anything_is_uploaded()
    {
        var key = await NewTenantKeyAsync("ai:write", "ai:read");
        var uploads = fixture.OpenAi.LogEntries.Count(e => e.RequestMessage.Path == "/v1/files");

        using var bad = await Runtime.SendAsync(HttpMethod.Post, "/v1/ai/fine-tuning/jobs", JsonSerializer.Serialize(new { baseModel = "gpt-4o-mini", trainingData = "{\"messages\":[{\"role\":\"user\",\"content\":\"q\"}]}\nnot json\n" }), key);
        using var model = await Runtime.SendAsync(HttpMethod.Post, "/v1/ai/fine-tuning/jobs", JsonSerializer.Serialize(new { baseModel = "claude-3-5-haiku-20241022", trainingData = TrainingData }), key);
        using var readOnly = await Runtime.SendAsync(HttpMethod.Post, "/v1/ai/fine-tuning/jobs", JsonSerializer.Serialize(new { baseModel = "gpt-4o-mini", trainingData = TrainingData }), await NewTenantKeyAsync("ai:read"));

        var problem = await Problem.ReadAsync(bad, HttpStatusCode.BadRequest);
        Assert.Equal("invalid_training_file", problem.Reason);
        Assert.Contains("line 1: no assistant message", problem.Detail, StringComparison.Ordinal);
        Assert.Contains("line 2: not JSON", problem.Detail, StringComparison.Ordinal);
        Assert.Equal("fine_tuning_unsupported", (await Problem.ReadAsync(model, HttpStatusCode.BadRequest)).Reason);
        await Problem.ReadAsync(readOnly, HttpStatusCode.Forbidden);
        Assert.Equal(uploads, fixture.OpenAi.LogEntries.Count(e => e.RequestMessage.Path == "/v1/files"));
    }

    private int UpstreamCalls(string marker) =>
        fixture.OpenAi.LogEntries.Count(e => e.RequestMessage.Body?.Contains(marker, StringComparison.Ordinal) == true);

    private async Task<List<JsonElement>> StreamAsync(string body, string key)
    {
        using var response = await Runtime.SendAsync(HttpMethod.Post, "/v1/ai/completions:sse", body, key);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return [.. (await response.Content.ReadAsStringAsync())
            .Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
            .Select(e => JsonDocument.Parse(e["data: ".Length..]).RootElement.Clone())];
    }

    private async Task<string> NewTenantKeyAsync(params string[] scopes)
    {
        var tenant = "aic-" + Guid.NewGuid().ToString("N")[..12];
        await Runtime.SendOkAsync(HttpMethod.Post, "/v1/tenants", $$"""{"tenantId":"{{tenant}}"}""");
        var issued = await Runtime.SendOkAsync(HttpMethod.Post, $"/v1/tenants/{tenant}/api-keys", JsonSerializer.Serialize(new { name = "ai cache test", scopes }));
        return issued.GetProperty("secret").GetString()!;
    }
}

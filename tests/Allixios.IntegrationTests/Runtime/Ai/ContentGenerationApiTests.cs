using System.Globalization;
using System.Net;
using System.Text.Json;
using Allixios.Runtime.Contracts.V1;
using Allixios.Sdk.Tests.Content;
using Allixios.Sdk.Tests.Quality;
using Grpc.Core;
using WireMock.RequestBuilders;
using Xunit;
using static Allixios.Sdk.Tests.AiRouting.WireFormats;

namespace Allixios.IntegrationTests.Runtime.Ai;

/// <summary>
/// The runtime's built-in <c>content.generate</c> job over HTTP/JSON and gRPC: enqueued with an API key, run by the
/// runtime's own worker through the AI router (streaming from the WireMock OpenAI upstream), and its result read back.
/// </summary>
public sealed class ContentGenerationApiTests(AiRuntimeFixture fixture) : IClassFixture<AiRuntimeFixture>
{
    private const string ArticleTopic = "Planting a spring vegetable garden";

    private RuntimeProcess Runtime => fixture.Runtime;

    [Fact]
    public async Task A_brief_enqueued_over_http_succeeds_and_its_result_holds_the_scored_draft_model_and_cost_the_budget_and_ledger_saw()
    {
        StreamArticleFor(ArticleTopic);
        var key = await NewTenantKeyAsync();
        var budget = await Runtime.SendOkAsync(HttpMethod.Post, "/v1/budgets", """{"period":"day","currency":"USD","limit":"1","name":"daily"}""", key);

        var enqueued = await Runtime.SendOkAsync(
            HttpMethod.Post,
            "/v1/jobs",
            $$$"""{"type":"content.generate","payload":{"topic":"{{{ArticleTopic}}}","audience":"home gardeners","keywords":["compost","watering","peas"],"length":320,"tone":"friendly"}}""",
            key);
        var jobId = enqueued.GetProperty("job").GetProperty("jobId").GetString()!;
        var job = await WaitUntilFinishedAsync(jobId, key);

        Assert.True(job.GetProperty("state").GetString() == "succeeded", job.ToString());
        var body = await Runtime.SendOkAsync(HttpMethod.Get, $"/v1/jobs/{jobId}/result", key: key);
        Assert.Equal((jobId, "content.generate"), (body.GetProperty("jobId").GetString(), body.GetProperty("type").GetString()));
        var result = body.GetProperty("result");
        Assert.Equal(QualityTexts.StructuredArticle.Trim(), result.GetProperty("text").GetString());
        Assert.Equal(314, result.GetProperty("words").GetInt32());
        Assert.True(result.GetProperty("score").GetDouble() >= 90, result.ToString());
        var breakdown = result.GetProperty("breakdown").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!);
        Assert.Equal(100, breakdown["keywords"].GetProperty("score").GetDouble());
        Assert.Equal("scored", breakdown["structure"].GetProperty("status").GetString());
        Assert.Equal(("gpt-4o-mini", "gpt", "openai"), (result.GetProperty("model").GetString(), result.GetProperty("deployment").GetString(), result.GetProperty("provider").GetString()));
        Assert.Equal((140, 430), (result.GetProperty("inputTokens").GetInt32(), result.GetProperty("outputTokens").GetInt32()));
        // 140 × 0.15 $/M + 430 × 0.60 $/M.
        var cost = result.GetProperty("cost").GetDecimal();
        Assert.Equal(0.000279m, cost);
        Assert.Equal("USD", result.GetProperty("currency").GetString());
        Assert.True(result.GetProperty("latencyMs").GetDouble() > 0);

        // The job itself carries the same result; the budget and the usage ledger were charged that cost, under the job.
        Assert.Equal(result.ToString(), job.GetProperty("result").ToString());
        var charged = await Runtime.SendOkAsync(HttpMethod.Get, $"/v1/budgets/{budget.GetProperty("budgetId").GetString()}", key: key);
        Assert.Equal(cost, Amount(charged.GetProperty("spent")));
        Assert.Equal(0m, Amount(charged.GetProperty("reserved")));
        var entry = Assert.Single((await Runtime.SendOkAsync(HttpMethod.Get, "/v1/usage?pageSize=10", key: key)).GetProperty("entries").EnumerateArray());
        Assert.Equal((jobId, "content.generate", "succeeded"), (entry.GetProperty("jobId").GetString(), entry.GetProperty("jobType").GetString(), entry.GetProperty("outcome").GetString()));
        Assert.Equal(cost, Amount(entry.GetProperty("cost")));

        // The upstream saw one streamed call bounded by the brief's length (320 words × 2 tokens).
        var sent = fixture.OpenAi.LogEntries.Select(e => JsonDocument.Parse(e.RequestMessage.Body!).RootElement).Single(b => b.GetProperty("messages").GetRawText().Contains(ArticleTopic, StringComparison.Ordinal));
        Assert.True(sent.GetProperty("stream").GetBoolean());
        Assert.Equal(640, sent.GetProperty("max_tokens").GetInt32());
    }

    [Fact]
    public async Task The_result_is_read_over_grpc_too()
    {
        const string Topic = "Composting in a small garden";
        StreamArticleFor(Topic);
        var key = await NewTenantKeyAsync();
        var enqueued = await Runtime.SendOkAsync(HttpMethod.Post, "/v1/jobs", $$$"""{"type":"content.generate","payload":{"topic":"{{{Topic}}}","length":300}}""", key);
        var jobId = enqueued.GetProperty("job").GetProperty("jobId").GetString()!;
        Assert.Equal("succeeded", (await WaitUntilFinishedAsync(jobId, key)).GetProperty("state").GetString());

        var result = await new Jobs.JobsClient(Runtime.Grpc).GetJobResultAsync(new GetJobResultRequest { JobId = jobId }, RuntimeProcess.WithKey(key));

        Assert.Equal("content.generate", result.Type);
        Assert.Equal("gpt-4o-mini", result.Result.StructValue.Fields["model"].StringValue);
        Assert.Equal(0.000279, result.Result.StructValue.Fields["cost"].NumberValue, 12);
    }

    [Theory]
    [InlineData("""{"audience":"anyone"}""", "topic: PropertyRequired")]
    [InlineData("""{"topic":""}""", "#/topic: StringTooShort")]
    [InlineData("""{"topic":"peas","length":-300}""", "#/length: NumberTooSmall")]
    [InlineData("""{"topic":"peas","length":20000}""", "#/length: NumberTooBig")]
    [InlineData("""{"topic":"peas","language":"english please"}""", "#/language: PatternMismatch")]
    [InlineData("""{"topic":"peas","keywords":"compost"}""", "#/keywords: ArrayExpected")]
    [InlineData("""{"topic":"peas","words":300}""", "#/words: NoAdditionalPropertiesAllowed")]
    public async Task A_bad_brief_is_a_400_at_enqueue_listing_each_schema_error_and_no_job_is_made(string payload, string error)
    {
        var key = await NewTenantKeyAsync();

        using var response = await Runtime.SendAsync(HttpMethod.Post, "/v1/jobs", $$"""{"type":"content.generate","payload":{{payload}}}""", key);

        var problem = await Problem.ReadAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal("invalid_payload", problem.Reason);
        Assert.Contains(error, problem.Detail, StringComparison.Ordinal);
        Assert.Empty((await Runtime.SendOkAsync(HttpMethod.Get, "/v1/jobs", key: key)).GetProperty("jobs").EnumerateArray());
    }

    [Fact]
    public async Task The_result_of_a_job_that_has_not_finished_is_a_409_that_says_to_wait()
    {
        var key = await NewTenantKeyAsync();
        var enqueued = await Runtime.SendOkAsync(HttpMethod.Post, "/v1/jobs", """{"type":"content.generate","payload":{"topic":"later"},"delay":"3600s"}""", key);
        var jobId = enqueued.GetProperty("job").GetProperty("jobId").GetString()!;

        using var response = await Runtime.SendAsync(HttpMethod.Get, $"/v1/jobs/{jobId}/result", key: key);
        var error = await Assert.ThrowsAsync<RpcException>(async () => await new Jobs.JobsClient(Runtime.Grpc).GetJobResultAsync(new GetJobResultRequest { JobId = jobId }, RuntimeProcess.WithKey(key)));

        var problem = await Problem.ReadAsync(response, HttpStatusCode.Conflict);
        Assert.Equal("job_not_finished", problem.Reason);
        Assert.Contains("is scheduled and has not finished", problem.Detail, StringComparison.Ordinal);
        Assert.Equal(StatusCode.Aborted, error.StatusCode);
        Assert.False((await Runtime.SendOkAsync(HttpMethod.Get, $"/v1/jobs/{jobId}", key: key)).TryGetProperty("result", out _));
    }

    [Fact]
    public async Task A_job_that_failed_has_no_result_and_the_404_gives_its_last_error()
    {
        var key = await NewTenantKeyAsync();
        var enqueued = await Runtime.SendOkAsync(HttpMethod.Post, "/v1/jobs", """{"type":"content.generate","payload":{"topic":"everything-fails"},"maxAttempts":1}""", key);
        var jobId = enqueued.GetProperty("job").GetProperty("jobId").GetString()!;
        Assert.Equal("dead_lettered", (await WaitUntilFinishedAsync(jobId, key)).GetProperty("state").GetString());

        using var response = await Runtime.SendAsync(HttpMethod.Get, $"/v1/jobs/{jobId}/result", key: key);

        var problem = await Problem.ReadAsync(response, HttpStatusCode.NotFound);
        Assert.Equal("job_result_not_found", problem.Reason);
        Assert.Contains("is dead_lettered and left no result", problem.Detail, StringComparison.Ordinal);
        Assert.Contains("openai answered 500", problem.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_result_of_an_unknown_or_another_tenants_job_is_a_404()
    {
        StreamArticleFor(ArticleTopic);
        var owner = await NewTenantKeyAsync();
        var other = await NewTenantKeyAsync();
        var enqueued = await Runtime.SendOkAsync(HttpMethod.Post, "/v1/jobs", $$$"""{"type":"content.generate","payload":{"topic":"{{{ArticleTopic}}}","length":300}}""", owner);
        var jobId = enqueued.GetProperty("job").GetProperty("jobId").GetString()!;
        Assert.Equal("succeeded", (await WaitUntilFinishedAsync(jobId, owner)).GetProperty("state").GetString());

        using var foreign = await Runtime.SendAsync(HttpMethod.Get, $"/v1/jobs/{jobId}/result", key: other);
        using var unknown = await Runtime.SendAsync(HttpMethod.Get, $"/v1/jobs/{Guid.NewGuid()}/result", key: owner);
        using var malformed = await Runtime.SendAsync(HttpMethod.Get, "/v1/jobs/not-a-job/result", key: owner);

        Assert.Equal("job_not_found", (await Problem.ReadAsync(foreign, HttpStatusCode.NotFound)).Reason);
        Assert.Equal("job_not_found", (await Problem.ReadAsync(unknown, HttpStatusCode.NotFound)).Reason);
        Assert.Equal("invalid_job_id", (await Problem.ReadAsync(malformed, HttpStatusCode.BadRequest)).Reason);
    }

    private static decimal Amount(JsonElement value) => decimal.Parse(value.GetString()!, CultureInfo.InvariantCulture);

    // Above the fixture's catch-all stream: a request about this topic gets a well-shaped article with real usage.
    private void StreamArticleFor(string topic) => fixture.OpenAi
        .Given(Request.Create().WithPath("/v1/chat/completions").WithBody(b => b!.Contains(topic, StringComparison.Ordinal) && b.Contains("\"stream\":true", StringComparison.Ordinal)).UsingPost())
        .AtPriority(0)
        .RespondWith(Sse(OpenAiStreams.For(QualityTexts.StructuredArticle, promptTokens: 140, completionTokens: 430)));

    private async Task<JsonElement> WaitUntilFinishedAsync(string jobId, string key)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var job = await Runtime.SendOkAsync(HttpMethod.Get, $"/v1/jobs/{jobId}", key: key);
            if (job.GetProperty("state").GetString() is "succeeded" or "dead_lettered" or "cancelled" || DateTime.UtcNow > deadline)
            {
                return job;
            }

            await Task.Delay(100);
        }
    }

    private async Task<string> NewTenantKeyAsync()
    {
        var tenant = "cg-" + Guid.NewGuid().ToString("N")[..12];
        await Runtime.SendOkAsync(HttpMethod.Post, "/v1/tenants", $$"""{"tenantId":"{{tenant}}"}""");
        var issued = await Runtime.SendOkAsync(HttpMethod.Post, $"/v1/tenants/{tenant}/api-keys", """{"name":"content test","scopes":["jobs:read","jobs:write","budgets:write","budgets:read","usage:read"]}""");
        return issued.GetProperty("secret").GetString()!;
    }
}

using System.Net;
using System.Text.Json;
using Xunit;

namespace Allixios.IntegrationTests.Runtime;

/// <summary>The Quality API of an embedded runtime over HTTP/JSON: scoring with its breakdown, recommendations, scopes and bad input.</summary>
public sealed class QualityApiTests(JobsRuntimeFixture fixture) : IClassFixture<JobsRuntimeFixture>
{
    private const string Article = """
        # Composting at home

        Composting turns kitchen scraps into rich soil for your garden. It takes little space and less effort than most people think.

        ## What to add

        - Fruit and vegetable peels
        - Coffee grounds and tea leaves
        - Dry leaves and shredded paper

        ## How to keep it healthy

        Turn the pile every week so air reaches the middle. Keep it as damp as a wrung-out sponge. In a few months the compost is dark, crumbly and ready for the garden.
        """;

    private RuntimeProcess Runtime => fixture.Runtime;

    [Fact]
    public async Task An_article_is_scored_with_a_line_per_scorer_and_a_wall_of_repeated_text_scores_lower()
    {
        var key = await CreateTenantWithKeyAsync("ai:read");

        var article = await Runtime.SendOkAsync(HttpMethod.Post, "/v1/quality:score", JsonSerializer.Serialize(new { text = Article, kind = "article", keywords = new[] { "compost", "garden" }, targetWords = 90 }), key);
        var wall = await Runtime.SendOkAsync(HttpMethod.Post, "/v1/quality:score", JsonSerializer.Serialize(new { text = string.Concat(Enumerable.Repeat("Compost is good. Compost is good for the garden. ", 20)), kind = "article", keywords = new[] { "compost", "garden" }, targetWords = 90 }), key);

        var lines = article.GetProperty("components").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!);
        Assert.InRange(article.GetProperty("score").GetDouble(), 0, 100);
        Assert.Equal("scored", lines["keywords"].GetProperty("status").GetString());
        Assert.Equal(100, lines["keywords"].GetProperty("score").GetDouble());
        Assert.Equal("scored", lines["structure"].GetProperty("status").GetString());
        Assert.Equal("skipped", lines["judge"].GetProperty("status").GetString());
        Assert.False(lines["judge"].TryGetProperty("score", out _));
        Assert.True(wall.GetProperty("score").GetDouble() < article.GetProperty("score").GetDouble() - 10, $"wall {wall.GetProperty("score")} vs article {article.GetProperty("score")}");
    }

    [Theory]
    [InlineData("""{"text":""}""", "quality_text_empty")]
    [InlineData("""{"text":"Fine.","kind":"poem"}""", "quality_kind_invalid")]
    [InlineData("""{"text":"{}","kind":"json","jsonSchema":"{not a schema"}""", "quality_schema_invalid")]
    [InlineData("""{"text":"Fine.","weights":{"nope":1}}""", "quality_weight_unknown")]
    [InlineData("""{"text":"Fine.","targetWords":-5}""", "quality_length_invalid")]
    public async Task A_bad_scoring_request_is_400_problem_json_with_its_reason(string body, string reason)
    {
        var key = await CreateTenantWithKeyAsync("ai:read");

        using var response = await Runtime.SendAsync(HttpMethod.Post, "/v1/quality:score", body, key);

        Assert.Equal(reason, (await Problem.ReadAsync(response, HttpStatusCode.BadRequest)).Reason);
    }

    [Fact]
    public async Task Asking_the_judge_needs_the_scope_that_spends()
    {
        var key = await CreateTenantWithKeyAsync("ai:read");

        using var response = await Runtime.SendAsync(HttpMethod.Post, "/v1/quality:score", """{"text":"Fine.","useJudge":true}""", key);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Recommendations_are_empty_without_history_and_bad_filters_are_400()
    {
        var key = await CreateTenantWithKeyAsync("usage:read");

        var none = await Runtime.SendOkAsync(HttpMethod.Get, "/v1/quality/recommendations", key: key);
        using var floor = await Runtime.SendAsync(HttpMethod.Get, "/v1/quality/recommendations?qualityFloor=150", key: key);
        using var range = await Runtime.SendAsync(HttpMethod.Get, "/v1/quality/recommendations?startTime=2026-02-01T00:00:00Z&endTime=2026-01-01T00:00:00Z", key: key);
        using var other = await Runtime.SendAsync(HttpMethod.Get, "/v1/quality/recommendations?tenantId=someone-else", key: key);

        Assert.Empty(none.GetProperty("recommendations").EnumerateArray());
        Assert.Equal("invalid_quality_floor", (await Problem.ReadAsync(floor, HttpStatusCode.BadRequest)).Reason);
        Assert.Equal("invalid_time_range", (await Problem.ReadAsync(range, HttpStatusCode.BadRequest)).Reason);
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
    }

    private async Task<string> CreateTenantWithKeyAsync(params string[] scopes)
    {
        var tenant = "q-" + Guid.NewGuid().ToString("N")[..12];
        await Runtime.SendOkAsync(HttpMethod.Post, "/v1/tenants", $$"""{"tenantId":"{{tenant}}","displayName":"Quality {{tenant}}"}""");
        var issued = await Runtime.SendOkAsync(HttpMethod.Post, $"/v1/tenants/{tenant}/api-keys", JsonSerializer.Serialize(new { name = "quality test", scopes }));
        return issued.GetProperty("secret").GetString()!;
    }
}

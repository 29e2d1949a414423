using System.Net;
using System.Text.Json;
using Xunit;

namespace Allixios.IntegrationTests.Runtime;

/// <summary>The Budgets and Usage APIs of an embedded runtime over HTTP/JSON: CRUD, scopes and bad input as problem+json.</summary>
public sealed class BudgetsApiTests(JobsRuntimeFixture fixture) : IClassFixture<JobsRuntimeFixture>
{
    private RuntimeProcess Runtime => fixture.Runtime;

    [Fact]
    public async Task A_budget_is_created_read_listed_changed_and_deleted()
    {
        var key = await CreateTenantWithKeyAsync("budgets:write");

        var created = await Runtime.SendOkAsync(HttpMethod.Post, "/v1/budgets", """{"period":"day","currency":"eur","limit":"25.50","warningRatio":"0.75","name":"daily cap"}""", key);
        var id = created.GetProperty("budgetId").GetString()!;
        var read = await Runtime.SendOkAsync(HttpMethod.Get, $"/v1/budgets/{id}", key: key);
        var changed = await Runtime.SendOkAsync(HttpMethod.Patch, $"/v1/budgets/{id}", """{"limit":"40"}""", key);
        var listed = await Runtime.SendOkAsync(HttpMethod.Get, "/v1/budgets", key: key);
        await Runtime.SendOkAsync(HttpMethod.Delete, $"/v1/budgets/{id}", key: key);
        using var gone = await Runtime.SendAsync(HttpMethod.Get, $"/v1/budgets/{id}", key: key);

        Assert.Equal("EUR", read.GetProperty("currency").GetString());
        Assert.Equal("25.5", read.GetProperty("limit").GetString());
        Assert.Equal("0.75", read.GetProperty("warningRatio").GetString());
        Assert.Equal("0", read.GetProperty("spent").GetString());
        Assert.Equal("day", read.GetProperty("period").GetString());
        Assert.Equal("40", changed.GetProperty("limit").GetString());
        Assert.Equal(id, Assert.Single(listed.GetProperty("budgets").EnumerateArray()).GetProperty("budgetId").GetString());
        Assert.Equal("budget_not_found", (await Problem.ReadAsync(gone, HttpStatusCode.NotFound)).Reason);
    }

    [Theory]
    [InlineData("""{"period":"day","currency":"USD","limit":"-5"}""", "invalid_limit", "zero or more")]
    [InlineData("""{"period":"day","currency":"USD","limit":"ten"}""", "invalid_limit", "use a decimal number")]
    [InlineData("""{"period":"day","currency":"XYZ","limit":"5"}""", "unknown_currency", "ISO 4217")]
    [InlineData("""{"period":"week","currency":"USD","limit":"5"}""", "invalid_period", "use 'day' or 'month'")]
    [InlineData("""{"period":"day","currency":"USD","limit":"5","warningRatio":"2"}""", "invalid_warning_ratio", "use 0 to 1")]
    public async Task A_bad_budget_is_refused_as_problem_json_saying_what_to_fix_and_nothing_is_created(string body, string reason, string hint)
    {
        var key = await CreateTenantWithKeyAsync("budgets:write");

        using var response = await Runtime.SendAsync(HttpMethod.Post, "/v1/budgets", body, key);

        var problem = await Problem.ReadAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(reason, problem.Reason);
        Assert.Contains(hint, problem.Detail, StringComparison.Ordinal);
        Assert.Empty((await Runtime.SendOkAsync(HttpMethod.Get, "/v1/budgets", key: key)).GetProperty("budgets").EnumerateArray());
    }

    [Fact]
    public async Task A_second_budget_for_the_same_period_and_currency_is_a_conflict_and_a_bad_id_is_a_bad_request()
    {
        var key = await CreateTenantWithKeyAsync("budgets:write");
        await Runtime.SendOkAsync(HttpMethod.Post, "/v1/budgets", """{"period":"month","currency":"USD","limit":"100"}""", key);

        using var again = await Runtime.SendAsync(HttpMethod.Post, "/v1/budgets", """{"period":"month","currency":"USD","limit":"50"}""", key);
        using var badId = await Runtime.SendAsync(HttpMethod.Get, "/v1/budgets/not-an-id", key: key);
        using var noChange = await Runtime.SendAsync(HttpMethod.Patch, $"/v1/budgets/{Guid.NewGuid()}", "{}", key);

        Assert.Equal("budget_exists", (await Problem.ReadAsync(again, HttpStatusCode.Conflict)).Reason);
        Assert.Equal("invalid_budget_id", (await Problem.ReadAsync(badId, HttpStatusCode.BadRequest)).Reason);
        Assert.Equal("no_budget_changes", (await Problem.ReadAsync(noChange, HttpStatusCode.BadRequest)).Reason);
    }

    [Fact]
    public async Task Budgets_and_usage_need_their_scopes_and_usage_reads_answer_with_bad_input_named()
    {
        var reader = await CreateTenantWithKeyAsync("budgets:read", "usage:read");

        using var write = await Runtime.SendAsync(HttpMethod.Post, "/v1/budgets", """{"period":"day","currency":"USD","limit":"5"}""", reader);
        var summary = await Runtime.SendOkAsync(HttpMethod.Get, "/v1/usage:summarize?groupBy=model&groupBy=day", key: reader);
        var entries = await Runtime.SendOkAsync(HttpMethod.Get, "/v1/usage?pageSize=10", key: reader);
        using var badGroup = await Runtime.SendAsync(HttpMethod.Get, "/v1/usage:summarize?groupBy=colour", key: reader);
        using var badPage = await Runtime.SendAsync(HttpMethod.Get, "/v1/usage?pageSize=5000", key: reader);
        using var allTenants = await Runtime.SendAsync(HttpMethod.Get, "/v1/usage?filter.allTenants=true", key: reader);

        Assert.Equal(HttpStatusCode.Forbidden, write.StatusCode);
        Assert.Empty(summary.GetProperty("rows").EnumerateArray());
        Assert.Empty(entries.GetProperty("entries").EnumerateArray());
        var group = await Problem.ReadAsync(badGroup, HttpStatusCode.BadRequest);
        Assert.Equal("invalid_group_by", group.Reason);
        Assert.Contains("model, provider, tenant, api_key, job_type, day", group.Detail, StringComparison.Ordinal);
        Assert.Equal("invalid_page_size", (await Problem.ReadAsync(badPage, HttpStatusCode.BadRequest)).Reason);
        Assert.Equal(HttpStatusCode.Forbidden, allTenants.StatusCode);
    }

    private async Task<string> CreateTenantWithKeyAsync(params string[] scopes)
    {
        var tenant = "b-" + Guid.NewGuid().ToString("N")[..12];
        await Runtime.SendOkAsync(HttpMethod.Post, "/v1/tenants", $$"""{"tenantId":"{{tenant}}","displayName":"Budgets {{tenant}}"}""");
        var issued = await Runtime.SendOkAsync(HttpMethod.Post, $"/v1/tenants/{tenant}/api-keys", JsonSerializer.Serialize(new { name = "budgets test", scopes }));
        return issued.GetProperty("secret").GetString()!;
    }
}

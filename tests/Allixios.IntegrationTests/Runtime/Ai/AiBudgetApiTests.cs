using System.Globalization;
using System.Net;
using Xunit;

namespace Allixios.IntegrationTests.Runtime.Ai;

/// <summary>The runtime's AI API charges the caller's tenant and API key: budgets refuse before any provider is called, and each call lands in the usage ledger.</summary>
public sealed class AiBudgetApiTests(AiRuntimeFixture fixture) : IClassFixture<AiRuntimeFixture>
{
    private RuntimeProcess Runtime => fixture.Runtime;

    [Fact]
    public async Task A_key_whose_budget_is_spent_gets_429_naming_the_budget_and_no_provider_is_called()
    {
        var (key, keyId) = await NewTenantKeyAsync();
        await Runtime.SendOkAsync(HttpMethod.Post, "/v1/budgets", $$"""{"period":"day","currency":"USD","limit":"0","apiKeyId":"{{keyId}}","name":"key cap"}""", key);
        var upstreamCalls = fixture.OpenAi.LogEntries.Count + fixture.Anthropic.LogEntries.Count;

        using var response = await Runtime.SendAsync(HttpMethod.Post, "/v1/ai:complete", """{"messages":[{"role":"user","content":"Hi"}],"maxOutputTokens":100}""", key);

        var problem = await Problem.ReadAsync(response, HttpStatusCode.TooManyRequests);
        Assert.Equal("budget_exhausted", problem.Reason);
        Assert.Contains("key cap", problem.Detail, StringComparison.Ordinal);
        Assert.Equal(upstreamCalls, fixture.OpenAi.LogEntries.Count + fixture.Anthropic.LogEntries.Count);
        var entry = Assert.Single((await Runtime.SendOkAsync(HttpMethod.Get, "/v1/usage?pageSize=10", key: key)).GetProperty("entries").EnumerateArray());
        Assert.Equal(keyId, entry.GetProperty("apiKeyId").GetString());
    }

    [Fact]
    public async Task A_completion_is_recorded_in_the_usage_ledger_under_the_callers_tenant_and_key()
    {
        var (key, keyId) = await NewTenantKeyAsync();

        var body = await Runtime.SendOkAsync(HttpMethod.Post, "/v1/ai:complete", """{"messages":[{"role":"user","content":"Hi"}],"maxOutputTokens":100}""", key);

        var entry = Assert.Single((await Runtime.SendOkAsync(HttpMethod.Get, "/v1/usage?pageSize=10", key: key)).GetProperty("entries").EnumerateArray());
        Assert.Equal(keyId, entry.GetProperty("apiKeyId").GetString());
        Assert.Equal("gpt-4o-mini", entry.GetProperty("model").GetString());
        // The ledger keeps amounts to 10 decimal places, as budgets do.
        Assert.Equal(
            Math.Round(decimal.Parse(body.GetProperty("usage").GetProperty("cost").GetString()!, CultureInfo.InvariantCulture), 10),
            decimal.Parse(entry.GetProperty("cost").GetString()!, CultureInfo.InvariantCulture));
    }

    private async Task<(string Secret, string KeyId)> NewTenantKeyAsync()
    {
        var tenant = "aib-" + Guid.NewGuid().ToString("N")[..12];
        await Runtime.SendOkAsync(HttpMethod.Post, "/v1/tenants", $$"""{"tenantId":"{{tenant}}"}""");
        var issued = await Runtime.SendOkAsync(HttpMethod.Post, $"/v1/tenants/{tenant}/api-keys", """{"name":"ai budget test","scopes":["ai:write","budgets:write","usage:read"]}""");
        return (issued.GetProperty("secret").GetString()!, issued.GetProperty("apiKey").GetProperty("keyId").GetString()!);
    }
}

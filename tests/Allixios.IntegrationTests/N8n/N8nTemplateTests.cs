using System.Net;
using System.Text.Json;
using Allixios.IntegrationTests.Runtime;
using Allixios.N8nBridge.Templates;
using Xunit;

namespace Allixios.IntegrationTests.N8n;

/// <summary>
/// The bridge's workflow templates imported into the rig's real n8n through <see cref="N8nTemplates.ImportAsync"/>, run
/// there (by their webhook, or by `n8n execute`) with the repository's Allixios nodes against a running Allixios
/// runtime: the runtime saw the calls, and n8n's execution data holds what they answered.
/// </summary>
[Collection(N8nGroup.Name)]
public sealed class N8nTemplateTests(N8nFixture fixture)
{
    private RuntimeProcess Runtime => fixture.Runtime;

    [N8nFact]
    public async Task The_article_template_turns_a_posted_brief_into_a_generated_draft_indexed_for_search()
    {
        var (_, key) = await fixture.CreateTenantAsync("jobs:read", "jobs:write", "search:read", "search:write");
        var credential = await fixture.CreateCredentialAsync(key);
        var path = "e2e-article-" + Guid.NewGuid().ToString("N")[..8];
        var workflow = await fixture.Bridge.ImportAsync("generate-article", new Dictionary<string, string>
        {
            ["allixios.credentialId"] = credential.Id,
            ["allixios.credentialName"] = credential.Name,
            ["n8n.webhookPath"] = path,
        });
        fixture.DeleteAtEnd(workflow.Id);
        Assert.True((await fixture.Bridge.ActivateWorkflowAsync(workflow.Id)).Active);

        using var response = await fixture.N8nWebhooks.PostAsync($"/webhook/{path}", N8nFixture.JsonContent(new
        {
            topic = "Growing tomatoes on a balcony",
            keywords = new[] { "tomatoes", "balcony" },
            audience = "city gardeners",
            length = 150,
        }));

        var answer = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"The webhook answered {(int)response.StatusCode}: {answer}");
        var article = JsonDocument.Parse(answer).RootElement;
        var jobId = article.GetProperty("jobId").GetString()!;
        var documentId = article.GetProperty("documentId").GetString()!;
        Assert.Equal("succeeded", article.GetProperty("state").GetString());
        Assert.Equal(N8nFixture.Article.Trim(), article.GetProperty("text").GetString());
        Assert.Equal(1, article.GetProperty("indexed").GetInt32());
        Assert.InRange(article.GetProperty("score").GetDouble(), 1, 100);

        // The runtime ran the content.generate job with the posted brief, under the credential's tenant…
        var job = await GetOkAsync($"/v1/jobs/{jobId}", key);
        Assert.Equal(("content.generate", "succeeded"), (job.GetProperty("type").GetString(), job.GetProperty("state").GetString()));
        Assert.Equal("Growing tomatoes on a balcony", job.GetProperty("payload").GetProperty("topic").GetString());
        Assert.Contains(fixture.OpenAi.LogEntries, e => e.RequestMessage.Body!.Contains("Growing tomatoes on a balcony", StringComparison.Ordinal));
        // …and holds the draft as a search document, found by a word of it.
        var document = await GetOkAsync($"/v1/search/documents/{documentId}", key);
        Assert.Equal(("Growing tomatoes on a balcony", N8nFixture.Article.Trim()), (document.GetProperty("title").GetString(), document.GetProperty("body").GetString()));
        var hits = await Runtime.SendOkAsync(HttpMethod.Post, "/v1/search:query", """{"query":"cherry tomatoes compost"}""", key);
        Assert.Contains(hits.GetProperty("hits").EnumerateArray(), h => h.GetProperty("id").GetString() == documentId);

        // n8n recorded each step's output.
        var execution = await fixture.WaitForExecutionAsync(workflow.Id, TimeSpan.FromSeconds(30));
        Assert.True(execution.Status == "success", N8nFixture.Error(execution));
        var generated = Assert.Single(N8nFixture.Output(execution, "Generate draft"));
        Assert.Equal(jobId, generated.GetProperty("job").GetProperty("jobId").GetString());
        Assert.Equal(N8nFixture.Article.Trim(), generated.GetProperty("job").GetProperty("result").GetProperty("text").GetString());
        Assert.Equal(1, Assert.Single(N8nFixture.Output(execution, "Index for search")).GetProperty("upserted").GetInt32());
    }

    [N8nFact]
    public async Task A_brief_the_runtime_refuses_fails_the_run_with_the_runtimes_reason_and_enqueues_nothing()
    {
        var (_, key) = await fixture.CreateTenantAsync("jobs:read", "jobs:write", "search:write");
        var credential = await fixture.CreateCredentialAsync(key);
        var path = "e2e-bad-brief-" + Guid.NewGuid().ToString("N")[..8];
        var workflow = await fixture.Bridge.ImportAsync("generate-article", new Dictionary<string, string>
        {
            ["allixios.credentialId"] = credential.Id,
            ["allixios.credentialName"] = credential.Name,
            ["n8n.webhookPath"] = path,
        });
        fixture.DeleteAtEnd(workflow.Id);
        await fixture.Bridge.ActivateWorkflowAsync(workflow.Id);

        // No topic: content.generate's schema requires one.
        using var response = await fixture.N8nWebhooks.PostAsync($"/webhook/{path}", N8nFixture.JsonContent(new { keywords = new[] { "tomatoes" } }));

        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
        var execution = await fixture.WaitForExecutionAsync(workflow.Id, TimeSpan.FromSeconds(30));
        Assert.Equal("error", execution.Status);
        var error = N8nFixture.Error(execution);
        Assert.Contains("topic", error, StringComparison.Ordinal);
        var jobs = await GetOkAsync("/v1/jobs", key);
        Assert.False(jobs.TryGetProperty("jobs", out var list) && list.GetArrayLength() > 0, jobs.ToString());
    }

    [N8nFact]
    public async Task The_nightly_reindex_template_run_by_n8n_execute_rebuilds_the_tenants_search_index()
    {
        var (_, key) = await fixture.CreateTenantAsync("search:read", "search:write");
        var documents = Enumerable.Range(1, 3).Select(i => new { id = $"doc-{i}", title = $"Balcony plants {i}", body = $"Watering balcony plants, part {i}." }).ToArray();
        Assert.Equal(3, (await Runtime.SendOkAsync(HttpMethod.Post, "/v1/search/documents:batchUpsert", JsonSerializer.Serialize(new { documents }), key)).GetProperty("upserted").GetInt32());
        var credential = await fixture.CreateCredentialAsync(key);
        var workflow = await fixture.Bridge.ImportAsync("nightly-reindex", new Dictionary<string, string>
        {
            ["allixios.credentialId"] = credential.Id,
            ["allixios.credentialName"] = credential.Name,
        });
        fixture.DeleteAtEnd(workflow.Id);

        var (exitCode, output) = await N8nFixture.RunCliAsync("execute", $"--id={workflow.Id}");

        Assert.True(exitCode == 0, $"n8n execute exited {exitCode}:\n{output}");
        var execution = await fixture.WaitForExecutionAsync(workflow.Id, TimeSpan.FromSeconds(30));
        Assert.Equal(("cli", "success"), (execution.Mode, execution.Status));
        // The count is the runtime's: it reindexed the three documents of the credential's tenant, and only those.
        Assert.Equal(3, Assert.Single(N8nFixture.Output(execution, "Reindex search")).GetProperty("reindexed").GetInt32());
        var hits = await Runtime.SendOkAsync(HttpMethod.Post, "/v1/search:query", """{"query":"watering balcony"}""", key);
        Assert.Equal(3, hits.GetProperty("hits").GetArrayLength());
    }

    [N8nFact]
    public async Task The_budget_alert_template_posts_to_the_chat_for_each_budget_over_the_threshold_and_only_those()
    {
        var (tenant, key) = await fixture.CreateTenantAsync("budgets:read", "budgets:write", "ai:write");
        var tight = await Runtime.SendOkAsync(HttpMethod.Post, "/v1/budgets", """{"period":"day","currency":"USD","limit":"0.0001","name":"tight daily"}""", key);
        await Runtime.SendOkAsync(HttpMethod.Post, "/v1/budgets", """{"period":"month","currency":"USD","limit":"100","name":"roomy monthly"}""", key);
        // One completion (19 prompt and 10 output tokens of gpt-4o-mini: $0.00000885) spends about 9% of the tight budget.
        await Runtime.SendOkAsync(HttpMethod.Post, "/v1/ai:complete", """{"messages":[{"role":"user","content":"Say hello"}],"maxOutputTokens":16}""", key);
        var spent = await GetOkAsync($"/v1/budgets/{tight.GetProperty("budgetId").GetString()}", key);
        Assert.True(decimal.Parse(spent.GetProperty("spent").GetString()!, System.Globalization.CultureInfo.InvariantCulture) > 0.000005m, spent.ToString());
        var credential = await fixture.CreateCredentialAsync(key);
        var hook = "/hooks/" + Guid.NewGuid().ToString("N");
        var workflow = await fixture.Bridge.ImportAsync("budget-alert", new Dictionary<string, string>
        {
            ["allixios.credentialId"] = credential.Id,
            ["allixios.credentialName"] = credential.Name,
            ["chat.webhookUrl"] = fixture.Chat.Url + hook,
            ["alert.thresholdPercent"] = "5",
        });
        fixture.DeleteAtEnd(workflow.Id);

        var (exitCode, output) = await N8nFixture.RunCliAsync("execute", $"--id={workflow.Id}");

        Assert.True(exitCode == 0, $"n8n execute exited {exitCode}:\n{output}");
        var posted = fixture.Chat.LogEntries.Where(e => e.RequestMessage.Path == hook).ToList();
        var message = JsonDocument.Parse(Assert.Single(posted).RequestMessage.Body!).RootElement.GetProperty("text").GetString()!;
        Assert.Contains("\"tight daily\"", message, StringComparison.Ordinal);
        Assert.Contains(tenant, message, StringComparison.Ordinal);
        Assert.Contains("daily limit", message, StringComparison.Ordinal);
        var execution = await fixture.WaitForExecutionAsync(workflow.Id, TimeSpan.FromSeconds(30));
        Assert.True(execution.Status == "success", N8nFixture.Error(execution));
        Assert.Equal(2, N8nFixture.Output(execution, "Each budget").Count);
        Assert.Equal("tight daily", Assert.Single(N8nFixture.Output(execution, "Over threshold?", output: 0)).GetProperty("name").GetString());
        Assert.Equal("roomy monthly", Assert.Single(N8nFixture.Output(execution, "Over threshold?", output: 1)).GetProperty("name").GetString());
    }

    private Task<JsonElement> GetOkAsync(string path, string key) => Runtime.SendOkAsync(HttpMethod.Get, path, key: key);
}

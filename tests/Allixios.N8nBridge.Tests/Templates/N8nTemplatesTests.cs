using System.Text.Json;
using System.Text.RegularExpressions;
using Allixios.N8nBridge.Templates;
using Microsoft.Extensions.DependencyInjection;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Allixios.N8nBridge.Tests.Templates;

/// <summary>The workflow templates: the catalog, filling them in, refusing bad values, and the copies in samples/.</summary>
public sealed partial class N8nTemplatesTests
{
    private static readonly Dictionary<string, string> Required = new()
    {
        ["allixios.credentialId"] = "cred-42",
        ["chat.webhookUrl"] = "https://chat.example.com/hooks/abc",
    };

    [Fact]
    public void The_catalog_holds_the_article_reindex_and_budget_alert_templates_each_described_with_its_parameters()
    {
        Assert.Equal(["budget-alert", "generate-article", "nightly-reindex"], N8nTemplates.All.Select(t => t.Id));
        foreach (var template in N8nTemplates.All)
        {
            Assert.StartsWith("Allixios: ", template.Name, StringComparison.Ordinal);
            Assert.False(string.IsNullOrWhiteSpace(template.Description));
            Assert.Contains(template.Parameters, p => p.Name == "allixios.credentialId" && p.IsRequired);
            Assert.All(template.Parameters, p => Assert.False(string.IsNullOrWhiteSpace(p.Description), p.Name));
        }

        Assert.Contains(N8nTemplates.Get("budget-alert").Parameters, p => p is { Name: "chat.webhookUrl", IsRequired: true, Kind: N8nTemplateParameterKind.Url });
        Assert.Equal("0 3 * * *", N8nTemplates.Get("nightly-reindex").Parameters.Single(p => p.Name == "schedule.cron").Default);
    }

    [Theory]
    [InlineData("generate-article")]
    [InlineData("nightly-reindex")]
    [InlineData("budget-alert")]
    public void Every_placeholder_of_a_template_is_filled_in_and_every_node_that_calls_Allixios_gets_the_credential(string id)
    {
        var template = N8nTemplates.Get(id);
        var values = Required.Where(r => template.Parameters.Any(p => p.Name == r.Key)).ToDictionary();

        var definition = template.Render(values);

        var json = JsonSerializer.Serialize(definition);
        Assert.DoesNotMatch(Placeholder(), json);
        Assert.Equal(template.Name, definition.Name);
        var allixiosNodes = definition.Nodes.EnumerateArray().Where(n => n.GetProperty("type").GetString()!.StartsWith("n8n-nodes-allixios.", StringComparison.Ordinal)
            || (n.GetProperty("parameters").TryGetProperty("nodeCredentialType", out var type) && type.GetString() == "allixiosApi")).ToList();
        Assert.NotEmpty(allixiosNodes);
        Assert.All(allixiosNodes, n =>
        {
            var credential = n.GetProperty("credentials").GetProperty("allixiosApi");
            Assert.Equal("cred-42", credential.GetProperty("id").GetString());
            Assert.Equal("Allixios API", credential.GetProperty("name").GetString());
        });
        // Only what n8n's public API lets a caller write: the template's meta section stays behind.
        Assert.Equal(["name", "nodes", "connections", "settings"], JsonDocument.Parse(json).RootElement.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public void Given_values_replace_defaults_and_go_into_the_workflow_as_text_even_with_quotes()
    {
        var definition = N8nTemplates.Get("budget-alert").Render(new Dictionary<string, string>
        {
            ["allixios.credentialId"] = "cred-42",
            ["chat.webhookUrl"] = "https://chat.example.com/hooks/abc",
            ["allixios.credentialName"] = "Allixios \"prod\" {key}",
            ["alert.thresholdPercent"] = "95.5",
            ["schedule.cron"] = "*/15 * * * *",
            [N8nTemplate.WorkflowNameParameter] = "Budgets of acme",
        });

        Assert.Equal("Budgets of acme", definition.Name);
        var nodes = definition.Nodes.EnumerateArray().ToDictionary(n => n.GetProperty("name").GetString()!);
        Assert.Equal("Allixios \"prod\" {key}", nodes["Read budgets"].GetProperty("credentials").GetProperty("allixiosApi").GetProperty("name").GetString());
        Assert.Equal("https://chat.example.com/hooks/abc", nodes["Post to chat"].GetProperty("parameters").GetProperty("url").GetString());
        Assert.Equal("*/15 * * * *", nodes["Every hour"].GetProperty("parameters").GetProperty("rule").GetProperty("interval")[0].GetProperty("expression").GetString());
        var condition = nodes["Over threshold?"].GetProperty("parameters").GetProperty("conditions").GetProperty("conditions")[0];
        Assert.Equal("95.5", condition.GetProperty("rightValue").GetString());
        // n8n's own expressions are left alone.
        Assert.StartsWith("={{ Number($json.limit)", condition.GetProperty("leftValue").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_unknown_and_malformed_values_are_refused_together_each_named()
    {
        var error = Assert.Throws<ArgumentException>(() => N8nTemplates.Get("budget-alert").Render(new Dictionary<string, string>
        {
            ["chat.webhookUrl"] = "ftp://chat.example.com/x",
            ["alert.thresholdPercent"] = "eighty",
            ["schedule.cron"] = "every hour",
            ["chat.channel"] = "#ops",
        }));

        Assert.Contains("'allixios.credentialId' is required", error.Message, StringComparison.Ordinal);
        Assert.Contains("'chat.webhookUrl' must be an absolute http or https address, not 'ftp://chat.example.com/x'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'alert.thresholdPercent' must be a number", error.Message, StringComparison.Ordinal);
        Assert.Contains("'schedule.cron' must be a cron expression", error.Message, StringComparison.Ordinal);
        Assert.Contains("'chat.channel' is not a parameter of template 'budget-alert'", error.Message, StringComparison.Ordinal);

        var path = Assert.Throws<ArgumentException>(() => N8nTemplates.Get("generate-article").Render(new Dictionary<string, string>
        {
            ["allixios.credentialId"] = "c1",
            ["n8n.webhookPath"] = "../admin?x=1",
        }));
        Assert.Contains("'n8n.webhookPath' must be a path", path.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_template_is_refused_with_the_list_of_those_there_are()
    {
        var error = Assert.Throws<ArgumentException>(() => N8nTemplates.Get("seo-audit"));

        Assert.Contains("budget-alert, generate-article, nightly-reindex", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_copies_in_samples_for_import_by_hand_are_the_shipped_templates_byte_for_byte()
    {
        var samples = Path.Combine(RepositoryRoot(), "samples", "n8n-templates");
        var files = Directory.GetFiles(samples, "*.json").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();

        Assert.Equal(N8nTemplates.All.Select(t => t.Id + ".json"), files);
        foreach (var template in N8nTemplates.All)
        {
            Assert.True(File.ReadAllText(Path.Combine(samples, template.Id + ".json")) == template.Json, $"samples/n8n-templates/{template.Id}.json differs from src/Allixios.N8nBridge/Templates/{template.Id}.json: copy it over.");
        }
    }

    [Fact]
    public async Task Importing_creates_the_filled_in_workflow_through_the_public_api_and_answers_it()
    {
        using var n8n = WireMockServer.Start();
        n8n.Given(Request.Create().WithPath("/api/v1/workflows").UsingPost())
            .RespondWith(Response.Create().WithHeader("Content-Type", "application/json").WithBody(request =>
            {
                // n8n answers the workflow it stored, with its new id.
                var body = JsonDocument.Parse(request.Body!).RootElement;
                return $$"""{"id":"wf-new","name":{{JsonSerializer.Serialize(body.GetProperty("name").GetString())}},"active":false,"nodes":{{body.GetProperty("nodes").GetRawText()}},"connections":{{body.GetProperty("connections").GetRawText()}},"settings":{},"tags":[]}""";
            }));
        var services = new ServiceCollection();
        services.AddN8nClient(o =>
        {
            o.BaseAddress = new Uri(n8n.Url!);
            o.ApiKey = "k";
        });
        var client = services.BuildServiceProvider().GetRequiredService<IN8nClient>();

        var workflow = await client.ImportAsync("nightly-reindex", new Dictionary<string, string> { ["allixios.credentialId"] = "cred-7" });

        Assert.Equal("wf-new", workflow.Id);
        Assert.Equal("Allixios: nightly search reindex", workflow.Name);
        var sent = JsonDocument.Parse(Assert.Single(n8n.LogEntries).RequestMessage.Body!).RootElement;
        Assert.False(sent.TryGetProperty("meta", out _));
        Assert.Contains("\"id\":\"cred-7\"", sent.GetProperty("nodes").GetRawText(), StringComparison.Ordinal);
        Assert.Contains(sent.GetProperty("nodes").EnumerateArray(), n => n.GetProperty("type").GetString() == "n8n-nodes-allixios.allixios"
            && n.GetProperty("parameters").GetProperty("operation").GetString() == "reindex");
        await Assert.ThrowsAsync<ArgumentException>(() => client.ImportAsync("nightly-reindex"));
        Assert.Single(n8n.LogEntries);
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Allixios.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new DirectoryNotFoundException("Could not find the repository root (Allixios.sln) above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"\{\{[A-Za-z][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9]*)+\}\}")]
    private static partial Regex Placeholder();
}

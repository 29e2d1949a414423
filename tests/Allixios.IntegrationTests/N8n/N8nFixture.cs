using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Allixios.IntegrationTests.Runtime;
using Allixios.N8nBridge;
using Microsoft.Extensions.DependencyInjection;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using Xunit;
using static Allixios.Sdk.Tests.AiRouting.WireFormats;

namespace Allixios.IntegrationTests.N8n;

/// <summary>
/// An Allixios runtime (embedded default, as a process) whose AI router writes through a WireMock OpenAI-compatible
/// upstream, next to the rig's real n8n (with the repository's node package installed in it), plus a WireMock chat
/// webhook. Each test makes its own tenant, n8n credential and workflows, so the tests do not see each other's data.
/// </summary>
public sealed class N8nFixture : IAsyncLifetime
{
    /// <summary>What the stubbed model writes for every brief: a short structured article about tomatoes.</summary>
    public const string Article = """
        # Growing tomatoes on a balcony

        Tomatoes grow well on a sunny balcony. Choose a deep pot, rich compost and a sheltered corner out of the wind.

        ## Care

        Water the plants every morning and feed them once a week when the first flowers appear. Cherry tomatoes suit a small balcony best, and a cane keeps each stem upright while the fruit ripens.

        ## Harvest

        Pick the fruit when it is fully coloured and gives a little under the thumb.
        """;

    private readonly List<Func<Task>> _cleanups = [];
    private ServiceProvider? _services;
    private RuntimeProcess? _runtime;

    public WireMockServer OpenAi { get; } = WireMockServer.Start();

    /// <summary>A chat's incoming webhook: answers 200 to any POST under /hooks and records it.</summary>
    public WireMockServer Chat { get; } = WireMockServer.Start();

    public RuntimeProcess Runtime => _runtime ?? throw new InvalidOperationException("The runtime has not started.");

    /// <summary>The runtime's address as n8n reaches it.</summary>
    public string RuntimeUrl => $"http://127.0.0.1:{Runtime.HttpPort}";

    /// <summary>The bridge's client on the rig's n8n.</summary>
    public IN8nClient Bridge => _services?.GetRequiredService<IN8nClient>() ?? throw new InvalidOperationException("n8n is not configured.");

    /// <summary>n8n's public API with the rig's key, for what the bridge does not do (credentials).</summary>
    public HttpClient N8nApi { get; } = new() { Timeout = TimeSpan.FromSeconds(60) };

    /// <summary>n8n itself, for its webhooks.</summary>
    public HttpClient N8nWebhooks { get; } = new() { Timeout = TimeSpan.FromMinutes(3) };

    public async Task InitializeAsync()
    {
        if (!N8nEnvironment.IsConfigured)
        {
            return;
        }

        OpenAi.Given(Request.Create().WithPath("/v1/chat/completions").WithBody(b => b!.Contains("\"stream\":true", StringComparison.Ordinal)).UsingPost())
            .AtPriority(1).RespondWith(Response.Create().WithHeader("Content-Type", "text/event-stream").WithBody(ArticleStream()));
        OpenAi.Given(Request.Create().WithPath("/v1/chat/completions").UsingPost()).AtPriority(2).RespondWith(Json(OpenAiCompletion));
        OpenAi.Given(Request.Create().WithPath("/v1/embeddings").UsingPost()).RespondWith(Json(OpenAiEmbeddings));
        Chat.Given(Request.Create().WithPath("/hooks/*").UsingPost()).RespondWith(Response.Create().WithStatusCode(200).WithBody("ok"));

        _runtime = await RuntimeProcess.StartAsync(new Dictionary<string, string?>
        {
            ["Allixios__AiRouting__Providers__openai__Kind"] = "OpenAi",
            ["Allixios__AiRouting__Providers__openai__BaseAddress"] = OpenAi.Url + "/v1/",
            ["Allixios__AiRouting__Providers__openai__ApiKey"] = "sk-test",
            ["Allixios__AiRouting__Deployments__0__Id"] = "gpt",
            ["Allixios__AiRouting__Deployments__0__Provider"] = "openai",
            ["Allixios__AiRouting__Deployments__0__Model"] = "gpt-4o-mini",
            ["Allixios__AiRouting__MaxRetries"] = "0",
            // Deliveries to n8n's trigger within a fraction of a second of the event.
            ["Allixios__Webhooks__PollInterval"] = "00:00:00.100",
            ["Allixios__Runtime__MaxRequestBodyBytes"] = "1048576",
        });

        N8nApi.BaseAddress = N8nEnvironment.Url;
        N8nApi.DefaultRequestHeaders.Add("X-N8N-API-KEY", N8nEnvironment.ApiKey);
        N8nWebhooks.BaseAddress = N8nEnvironment.Url;
        var services = new ServiceCollection();
        services.AddN8nClient(o =>
        {
            o.BaseAddress = N8nEnvironment.Url;
            o.ApiKey = N8nEnvironment.ApiKey;
            o.AttemptTimeout = TimeSpan.FromSeconds(60);
        });
        _services = services.BuildServiceProvider();
    }

    public async Task DisposeAsync()
    {
        foreach (var cleanup in Enumerable.Reverse(_cleanups))
        {
            try
            {
                await cleanup();
            }
            catch (Exception e) when (e is HttpRequestException or N8nApiException or TaskCanceledException)
            {
                // Best effort: a workflow the test already deleted, or n8n stopped first.
            }
        }

        if (_runtime is not null)
        {
            await _runtime.DisposeAsync();
        }

        if (_services is not null)
        {
            await _services.DisposeAsync();
        }

        N8nApi.Dispose();
        N8nWebhooks.Dispose();
        OpenAi.Stop();
        Chat.Stop();
    }

    /// <summary>A new tenant in the runtime and an API key of it with these scopes.</summary>
    public async Task<(string TenantId, string Key)> CreateTenantAsync(params string[] scopes)
    {
        var tenant = "n8n-" + Guid.NewGuid().ToString("N")[..12];
        await Runtime.SendOkAsync(HttpMethod.Post, "/v1/tenants", JsonSerializer.Serialize(new { tenantId = tenant, displayName = "n8n e2e " + tenant }));
        var issued = await Runtime.SendOkAsync(HttpMethod.Post, $"/v1/tenants/{tenant}/api-keys", JsonSerializer.Serialize(new { name = "n8n", scopes }));
        return (tenant, issued.GetProperty("secret").GetString()!);
    }

    /// <summary>An n8n credential of the node package's type <c>allixiosApi</c> for this runtime and key; deleted at the end.</summary>
    public async Task<(string Id, string Name)> CreateCredentialAsync(string apiKey)
    {
        var name = "Allixios e2e " + Guid.NewGuid().ToString("N")[..8];
        // n8n 2.8's schema for a credential type with generic auth has an if/then on allowedHttpRequestDomains that,
        // when the field is left out, demands allowedDomains: send "all", as n8n's editor does.
        var data = new { baseUrl = RuntimeUrl, apiKey, allowedHttpRequestDomains = "all" };
        using var response = await N8nApi.PostAsync("/api/v1/credentials", JsonContent(new { name, type = "allixiosApi", data }));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"n8n refused the credential: {(int)response.StatusCode} {body}");
        var id = JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!;
        _cleanups.Add(async () => (await N8nApi.DeleteAsync($"/api/v1/credentials/{id}")).Dispose());
        return (id, name);
    }

    /// <summary>Deletes the workflow at the end (which also deactivates it).</summary>
    public void DeleteAtEnd(string workflowId) => _cleanups.Add(() => Bridge.DeleteWorkflowAsync(workflowId));

    /// <summary>Runs n8n's command line on the rig's instance data, e.g. <c>execute --id=ID</c>; answers its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunCliAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo(N8nEnvironment.Cli) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"n8n {string.Join(' ', arguments)} did not finish within 3 minutes. Output:\n{await output}{await error}");
        }

        return (process.ExitCode, await output + await error);
    }

    /// <summary>Waits until the workflow has a finished execution (newest first) and answers it with its run data.</summary>
    public async Task<N8nExecution> WaitForExecutionAsync(string workflowId, TimeSpan timeout, int count = 1)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var page = await Bridge.ListExecutionsAsync(new N8nExecutionQuery { WorkflowId = workflowId, IncludeData = true }, limit: 20);
            var finished = page.Data.Where(e => e.Finished || e.Status is "error" or "crashed" or "canceled").ToList();
            if (finished.Count >= count)
            {
                return finished[0];
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Workflow {workflowId} had {finished.Count} finished execution(s) of {count} after {timeout}; all: {string.Join(", ", page.Data.Select(e => e.Id + ":" + e.Status))}. Runtime output:\n{Tail(Runtime.Output)}");
            }

            await Task.Delay(250);
        }
    }

    /// <summary>The JSON items a node output in an execution's first run of it (its first output, or the one given).</summary>
    public static IReadOnlyList<JsonElement> Output(N8nExecution execution, string node, int output = 0)
    {
        var runData = execution.Data?.GetProperty("resultData").GetProperty("runData") ?? throw new InvalidOperationException($"Execution {execution.Id} has no run data.");
        Assert.True(runData.TryGetProperty(node, out var runs), $"Node '{node}' did not run in execution {execution.Id}; ran: {string.Join(", ", runData.EnumerateObject().Select(p => p.Name))}. {Error(execution)}");
        var main = runs[0].GetProperty("data").GetProperty("main");
        return main.GetArrayLength() > output && main[output].ValueKind == JsonValueKind.Array
            ? [.. main[output].EnumerateArray().Select(item => item.GetProperty("json"))]
            : [];
    }

    /// <summary>The error an execution ended with, for assertion messages.</summary>
    public static string Error(N8nExecution execution) =>
        execution.Data is { } data && data.GetProperty("resultData").TryGetProperty("error", out var error) ? "Error: " + error.GetRawText() : "No error.";

    public static StringContent JsonContent(object value) => new(JsonSerializer.Serialize(value), Encoding.UTF8, "application/json");

    /// <summary>A workflow of Allixios nodes given as JSON, with every Allixios node bound to the credential.</summary>
    public static N8nWorkflowDefinition Workflow(string json, (string Id, string Name) credential)
    {
        var workflow = JsonNode.Parse(json)!.AsObject();
        foreach (var node in workflow["nodes"]!.AsArray())
        {
            if (node!["type"]!.GetValue<string>().StartsWith("n8n-nodes-allixios.", StringComparison.Ordinal))
            {
                node["credentials"] = new JsonObject { ["allixiosApi"] = new JsonObject { ["id"] = credential.Id, ["name"] = credential.Name } };
            }
        }

        return N8nWorkflowDefinition.Parse(workflow.ToJsonString());
    }

    public static AuthenticationHeaderValue Bearer(string key) => new("Bearer", key);

    private static string Tail(string text) => text.Length > 3000 ? text[^3000..] : text;

    // The stubbed model's answer as OpenAI streams it: the article in a few chunks, then the usage chunk and [DONE].
    private static string ArticleStream()
    {
        var builder = new StringBuilder();
        var parts = Article.Split("\n\n");
        for (var i = 0; i < parts.Length; i++)
        {
            var content = i == 0 ? parts[i] : "\n\n" + parts[i];
            var chunk = new { id = "chatcmpl-n8n", @object = "chat.completion.chunk", created = 1741569952, model = "gpt-4o-mini", choices = new[] { new { index = 0, delta = new { content }, finish_reason = (string?)null } } };
            builder.Append("data: ").Append(JsonSerializer.Serialize(chunk)).Append("\n\n");
        }

        builder.Append("""data: {"id":"chatcmpl-n8n","object":"chat.completion.chunk","created":1741569952,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":null}""").Append("\n\n");
        builder.Append("""data: {"id":"chatcmpl-n8n","object":"chat.completion.chunk","created":1741569952,"model":"gpt-4o-mini","choices":[],"usage":{"prompt_tokens":120,"completion_tokens":110,"total_tokens":230}}""").Append("\n\n");
        builder.Append("data: [DONE]\n\n");
        return builder.ToString();
    }
}

using WireMock.RequestBuilders;
using WireMock.Server;
using Xunit;
using static Allixios.Sdk.Tests.AiRouting.WireFormats;

namespace Allixios.IntegrationTests.Runtime.Ai;

/// <summary>
/// A runtime whose AI router points at two WireMock upstreams in the providers' real wire formats: an OpenAI-compatible
/// one (gpt-4o-mini, text-embedding-3-small) and an Anthropic one (Claude 3.5 Haiku). A prompt that says
/// "everything-fails" gets a 500 from OpenAI and a 529 from Anthropic.
/// </summary>
public sealed class AiRuntimeFixture : IAsyncLifetime
{
    private RuntimeProcess? _runtime;

    public WireMockServer OpenAi { get; } = WireMockServer.Start();

    public WireMockServer Anthropic { get; } = WireMockServer.Start();

    public RuntimeProcess Runtime => _runtime ?? throw new InvalidOperationException("The runtime has not started.");

    public async Task InitializeAsync()
    {
        OpenAi.Given(Request.Create().WithPath("/v1/chat/completions").WithBody(b => b!.Contains("everything-fails", StringComparison.Ordinal)).UsingPost())
            .AtPriority(1).RespondWith(Json(OpenAiServerError, 500));
        OpenAi.Given(Request.Create().WithPath("/v1/chat/completions").WithBody(b => b!.Contains("\"stream\":true", StringComparison.Ordinal)).UsingPost())
            .AtPriority(2).RespondWith(Sse(OpenAiStream));
        OpenAi.Given(Request.Create().WithPath("/v1/chat/completions").UsingPost()).AtPriority(3).RespondWith(Json(OpenAiCompletion));
        OpenAi.Given(Request.Create().WithPath("/v1/embeddings").UsingPost()).RespondWith(Json(OpenAiEmbeddings));
        Anthropic.Given(Request.Create().WithPath("/v1/messages").WithBody(b => b!.Contains("everything-fails", StringComparison.Ordinal)).UsingPost())
            .AtPriority(1).RespondWith(Json(AnthropicOverloaded, 529));
        Anthropic.Given(Request.Create().WithPath("/v1/messages").UsingPost()).AtPriority(2).RespondWith(Json(AnthropicMessage));

        _runtime = await RuntimeProcess.StartAsync(new Dictionary<string, string?>
        {
            ["Allixios__AiRouting__Providers__openai__Kind"] = "OpenAi",
            ["Allixios__AiRouting__Providers__openai__BaseAddress"] = OpenAi.Url + "/v1/",
            ["Allixios__AiRouting__Providers__openai__ApiKey"] = "sk-test",
            ["Allixios__AiRouting__Providers__anthropic__Kind"] = "Anthropic",
            ["Allixios__AiRouting__Providers__anthropic__BaseAddress"] = Anthropic.Url + "/v1/",
            ["Allixios__AiRouting__Providers__anthropic__ApiKey"] = "sk-ant-test",
            ["Allixios__AiRouting__Deployments__0__Id"] = "gpt",
            ["Allixios__AiRouting__Deployments__0__Provider"] = "openai",
            ["Allixios__AiRouting__Deployments__0__Model"] = "gpt-4o-mini",
            ["Allixios__AiRouting__Deployments__1__Id"] = "claude",
            ["Allixios__AiRouting__Deployments__1__Provider"] = "anthropic",
            ["Allixios__AiRouting__Deployments__1__Model"] = "claude-3-5-haiku-20241022",
            ["Allixios__AiRouting__Deployments__2__Id"] = "embed",
            ["Allixios__AiRouting__Deployments__2__Provider"] = "openai",
            ["Allixios__AiRouting__Deployments__2__Model"] = "text-embedding-3-small",
            ["Allixios__AiRouting__MaxRetries"] = "0",
        });
    }

    public async Task DisposeAsync()
    {
        if (_runtime is not null)
        {
            await _runtime.DisposeAsync();
        }

        OpenAi.Stop();
        Anthropic.Stop();
    }
}

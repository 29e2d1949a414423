using Allixios.AiRouting;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using WireMock.RequestBuilders;
using WireMock.Server;
using Xunit;
using static Allixios.Sdk.Tests.AiRouting.WireFormats;

namespace Allixios.Sdk.Tests.AiRouting;

/// <summary>
/// The router over two real-format upstreams: an OpenAI-compatible one serving gpt-4o-mini (the cheaper model, so
/// picked first) and an Anthropic one serving Claude 3.5 Haiku. Retries are off so each failure reaches the breaker.
/// </summary>
public sealed class AiRouterFailoverTests : IDisposable
{
    private const string Gpt = "openai-gpt-4o-mini";
    private const string Claude = "anthropic-haiku";
    private readonly WireMockServer _openAi = WireMockServer.Start();
    private readonly WireMockServer _anthropic = WireMockServer.Start();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-11-26T03:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private readonly ServiceProvider _services;
    private readonly AiRouter _router;

    public AiRouterFailoverTests()
    {
        _services = AiTestHost.Build(
            o =>
            {
                o.OpenAi("openai", _openAi);
                o.Anthropic("anthropic", _anthropic);
                o.Deploy(Gpt, "openai", "gpt-4o-mini");
                o.Deploy(Claude, "anthropic", "claude-3-5-haiku-20241022");
                o.MaxRetries = 0;
                o.BreakerMinimumThroughput = 2;
                o.BreakerFailureRatio = 0.5;
                o.BreakerSamplingDuration = TimeSpan.FromMinutes(1);
                o.BreakDuration = TimeSpan.FromSeconds(30);
            },
            _time);
        _router = _services.GetRequiredService<AiRouter>();
    }

    public void Dispose()
    {
        _services.Dispose();
        _openAi.Stop();
        _anthropic.Stop();
    }

    [Fact]
    public async Task A_provider_failing_with_500s_opens_its_breaker_traffic_moves_to_the_healthy_one_and_comes_back_after_the_cooldown()
    {
        _openAi.Given(Request.Create().WithPath("/v1/chat/completions").UsingPost()).RespondWith(Json(OpenAiServerError, 500));
        _anthropic.Given(Request.Create().WithPath("/v1/messages").UsingPost()).RespondWith(Json(AnthropicMessage));

        var answeredBy = new List<string>();
        var attempts = new List<int>();
        for (var i = 0; i < 5; i++)
        {
            var report = (await _router.GetResponseAsync("Write a headline")).GetUsageReport()!;
            answeredBy.Add(report.DeploymentId);
            attempts.Add(report.Attempts);
        }

        Assert.All(answeredBy, id => Assert.Equal(Claude, id));
        // Two failures open the circuit; while it cools down the failing provider gets no traffic at all.
        Assert.Equal([2, 2, 1, 1, 1], attempts);
        Assert.Equal(2, _openAi.LogEntries.Count);

        _openAi.Reset();
        _openAi.Given(Request.Create().WithPath("/v1/chat/completions").UsingPost()).RespondWith(Json(OpenAiCompletion));
        _time.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(Claude, (await _router.GetResponseAsync("Still cooling")).GetUsageReport()!.DeploymentId);
        _time.Advance(TimeSpan.FromSeconds(2));

        var back = (await _router.GetResponseAsync("After the cooldown")).GetUsageReport()!;
        var stays = (await _router.GetResponseAsync("And after the trial call")).GetUsageReport()!;

        Assert.Equal(Gpt, back.DeploymentId);
        Assert.Equal(Gpt, stays.DeploymentId);
        Assert.Equal(2, _openAi.LogEntries.Count);
    }

    [Fact]
    public async Task A_context_length_refusal_falls_over_to_the_policy_fallback_and_is_charged_once()
    {
        _openAi.Given(Request.Create().WithPath("/v1/chat/completions").UsingPost()).RespondWith(Json(OpenAiContextLength, 400));
        _anthropic.Given(Request.Create().WithPath("/v1/messages").UsingPost()).RespondWith(Json(AnthropicMessage));
        using var services = AiTestHost.Build(o =>
        {
            o.OpenAi("openai", _openAi);
            o.Anthropic("anthropic", _anthropic);
            o.Deploy(Gpt, "openai", "gpt-4o-mini");
            o.Deploy(Claude, "anthropic", "claude-3-5-haiku-20241022");
            o.MaxRetries = 0;
            o.DefaultPolicy.Fallbacks.Add("claude-3-5-haiku-20241022");
        });
        var router = services.GetRequiredService<AiRouter>();

        var response = await router.GetResponseAsync("Summarise this long report", new ChatOptions { ModelId = "gpt-4o-mini", MaxOutputTokens = 100 });

        var report = response.GetUsageReport()!;
        Assert.Equal("Hello from Claude", response.Text);
        Assert.Equal(Claude, report.DeploymentId);
        Assert.Equal(2, report.Attempts);
        // Claude's price, Claude's usage: 12 uncached + 20 cached prompt tokens, 6 output tokens.
        Assert.Equal((12 * 8e-07m) + (20 * 8e-08m) + (6 * 4e-06m), report.Cost);
        Assert.Equal(32, report.InputTokens);
        Assert.False(report.UsageEstimated);
    }

    [Fact]
    public async Task A_content_policy_refusal_falls_over_to_the_next_deployment()
    {
        _openAi.Given(Request.Create().WithPath("/v1/chat/completions").UsingPost()).RespondWith(Json(OpenAiContentPolicy, 400));
        _anthropic.Given(Request.Create().WithPath("/v1/messages").UsingPost()).RespondWith(Json(AnthropicMessage));

        var report = (await _router.GetResponseAsync("Tell me a story")).GetUsageReport()!;

        Assert.Equal(Claude, report.DeploymentId);
        Assert.Equal(2, report.Attempts);
    }

    [Fact]
    public async Task A_request_the_provider_rejects_as_invalid_is_a_client_error_and_not_sent_elsewhere()
    {
        _openAi.Given(Request.Create().WithPath("/v1/chat/completions").UsingPost()).RespondWith(Json(OpenAiInvalidRequest, 400));
        _anthropic.Given(Request.Create().WithPath("/v1/messages").UsingPost()).RespondWith(Json(AnthropicMessage));

        var error = await Assert.ThrowsAsync<AllixiosException>(() => _router.GetResponseAsync("Hi", new ChatOptions { Temperature = 7 }));

        Assert.Equal(AllixiosErrorKind.InvalidArgument, error.Kind);
        Assert.Equal("provider_rejected_request", error.Reason);
        Assert.Contains("temperature", error.Message, StringComparison.Ordinal);
        Assert.Empty(_anthropic.LogEntries);
    }

    [Fact]
    public async Task A_stream_that_fails_before_its_first_token_falls_over_and_only_the_answering_stream_is_charged()
    {
        _openAi.Given(Request.Create().WithPath("/v1/chat/completions").UsingPost()).RespondWith(Sse(OpenAiStreamCutBeforeFirstToken));
        _anthropic.Given(Request.Create().WithPath("/v1/messages").UsingPost()).RespondWith(Sse(AnthropicStream));

        var updates = await ProviderWireFormatTests.Collect(_router.GetStreamingResponseAsync("Write a headline"));

        Assert.Equal("Hello Claude", updates.ToChatResponse().Text);
        var report = Assert.Single(updates, u => u.GetUsageReport() is not null).GetUsageReport()!;
        Assert.Equal(Claude, report.DeploymentId);
        Assert.Equal(2, report.Attempts);
        Assert.Equal(25, report.InputTokens);
        Assert.Equal(15, report.OutputTokens);
        Assert.Equal((25 * 8e-07m) + (15 * 4e-06m), report.Cost);
        Assert.Single(_openAi.LogEntries);
    }

    [Fact]
    public async Task A_stream_that_fails_with_a_503_before_any_byte_falls_over()
    {
        _openAi.Given(Request.Create().WithPath("/v1/chat/completions").UsingPost()).RespondWith(Json(OpenAiServerError, 503));
        _anthropic.Given(Request.Create().WithPath("/v1/messages").UsingPost()).RespondWith(Sse(AnthropicStream));

        var updates = await ProviderWireFormatTests.Collect(_router.GetStreamingResponseAsync("Write a headline"));

        Assert.Equal("Hello Claude", updates.ToChatResponse().Text);
    }

    [Fact]
    public async Task A_stream_cut_after_its_first_token_is_not_replayed_on_another_deployment()
    {
        _openAi.Given(Request.Create().WithPath("/v1/chat/completions").UsingPost()).RespondWith(Sse(OpenAiStreamCut));
        _anthropic.Given(Request.Create().WithPath("/v1/messages").UsingPost()).RespondWith(Sse(AnthropicStream));
        var received = new List<string>();

        var error = await Assert.ThrowsAsync<AiProviderException>(async () =>
        {
            await foreach (var update in _router.GetStreamingResponseAsync("Write a headline"))
            {
                received.Add(update.Text);
            }
        });

        Assert.Equal(AiFailureKind.StreamInterrupted, error.Kind);
        Assert.Equal("Hel", string.Concat(received));
        Assert.Empty(_anthropic.LogEntries);
    }

    [Fact]
    public async Task A_streamed_call_on_the_openai_protocol_reports_the_usage_chunk_as_its_cost()
    {
        _openAi.Given(Request.Create().WithPath("/v1/chat/completions").UsingPost()).RespondWith(Sse(OpenAiStream));

        var updates = await ProviderWireFormatTests.Collect(_router.GetStreamingResponseAsync("Hi"));

        var report = updates[^1].GetUsageReport()!;
        Assert.Equal(Gpt, report.DeploymentId);
        Assert.Equal((9 * 1.5e-07m) + (2 * 6e-07m), report.Cost);
        Assert.Equal((report.InputTokens * 0) + (PromptEstimate("Hi") * 1.5e-07m) + (1024 * 6e-07m), report.MaximumCost);
    }

    [Fact]
    public async Task When_every_deployment_fails_the_error_names_each_failure()
    {
        _openAi.Given(Request.Create().WithPath("/v1/chat/completions").UsingPost()).RespondWith(Json(OpenAiServerError, 500));
        _anthropic.Given(Request.Create().WithPath("/v1/messages").UsingPost()).RespondWith(Json(AnthropicOverloaded, 529));

        var error = await Assert.ThrowsAsync<AiProviderException>(() => _router.GetResponseAsync("Hi"));

        Assert.Equal(AiFailureKind.Unavailable, error.Kind);
        Assert.Contains("openai answered 500", error.Message, StringComparison.Ordinal);
        Assert.Contains("anthropic answered 529", error.Message, StringComparison.Ordinal);
    }

    // One message of two characters: 4 tokens of framing for the call, 4 for the message, 1 for the text.
    private static long PromptEstimate(string text) => 8 + ((text.Length + 3) / 4);
}

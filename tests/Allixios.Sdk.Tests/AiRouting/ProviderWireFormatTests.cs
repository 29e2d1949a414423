using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Allixios.AiRouting;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using WireMock;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Types;
using WireMock.Util;
using Xunit;
using static Allixios.Sdk.Tests.AiRouting.WireFormats;

namespace Allixios.Sdk.Tests.AiRouting;

/// <summary>The typed provider clients against WireMock speaking OpenAI's and Anthropic's real wire formats.</summary>
public sealed class ProviderWireFormatTests : IDisposable
{
    private readonly WireMockServer _openAi = WireMockServer.Start();
    private readonly WireMockServer _anthropic = WireMockServer.Start();
    private readonly ServiceProvider _services;
    private readonly AiProviderClients _clients;

    public ProviderWireFormatTests()
    {
        _services = AiTestHost.Build(o =>
        {
            o.OpenAi("openai", _openAi);
            o.Anthropic("anthropic", _anthropic);
            o.RetryDelay = TimeSpan.FromMilliseconds(10);
            o.AttemptTimeout = TimeSpan.FromSeconds(30);
        });
        _clients = _services.GetRequiredService<AiProviderClients>();
    }

    public void Dispose()
    {
        _services.Dispose();
        _openAi.Stop();
        _anthropic.Stop();
    }

    [Fact]
    public async Task OpenAi_completion_sends_the_chat_request_and_reads_text_and_usage()
    {
        _openAi.Given(Request.Create().WithPath("/v1/chat/completions").WithHeader("Authorization", "Bearer sk-test").UsingPost()).RespondWith(Json(OpenAiCompletion));
        var client = _clients.CreateChatClient("openai");

        var response = await client.GetResponseAsync(
            [new ChatMessage(ChatRole.System, "Be brief."), new ChatMessage(ChatRole.User, "Hi")],
            new ChatOptions { ModelId = "gpt-4o-mini", MaxOutputTokens = 50, Temperature = 0.2f, ResponseFormat = ChatResponseFormat.Json });

        Assert.Equal("Hello from OpenAI", response.Text);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        Assert.Equal(19, response.Usage!.InputTokenCount);
        Assert.Equal(10, response.Usage.OutputTokenCount);
        Assert.Equal(8, response.Usage.CachedInputTokenCount);
        using var sent = JsonDocument.Parse(Assert.Single(_openAi.LogEntries).RequestMessage.Body!);
        Assert.Equal("gpt-4o-mini", sent.RootElement.GetProperty("model").GetString());
        Assert.Equal(50, sent.RootElement.GetProperty("max_tokens").GetInt32());
        Assert.Equal("json_object", sent.RootElement.GetProperty("response_format").GetProperty("type").GetString());
        Assert.Equal("system", sent.RootElement.GetProperty("messages")[0].GetProperty("role").GetString());
        Assert.False(sent.RootElement.TryGetProperty("stream", out _));
    }

    [Fact]
    public async Task OpenAi_stream_yields_the_text_and_reads_the_usage_chunk()
    {
        _openAi.Given(Request.Create().WithPath("/v1/chat/completions").UsingPost()).RespondWith(Sse(OpenAiStream));
        var client = _clients.CreateChatClient("openai");

        var updates = await Collect(client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Hi")], new ChatOptions { ModelId = "gpt-4o-mini" }));

        var response = updates.ToChatResponse();
        Assert.Equal("Hello stream", response.Text);
        Assert.Equal(9, response.Usage!.InputTokenCount);
        Assert.Equal(2, response.Usage.OutputTokenCount);
        using var sent = JsonDocument.Parse(Assert.Single(_openAi.LogEntries).RequestMessage.Body!);
        Assert.True(sent.RootElement.GetProperty("stream").GetBoolean());
        Assert.True(sent.RootElement.GetProperty("stream_options").GetProperty("include_usage").GetBoolean());
    }

    [Fact]
    public async Task OpenAi_stream_cut_midway_is_an_interrupted_stream_error()
    {
        _openAi.Given(Request.Create().WithPath("/v1/chat/completions").UsingPost()).RespondWith(Sse(OpenAiStreamCut));
        var client = _clients.CreateChatClient("openai");

        var error = await Assert.ThrowsAsync<AiProviderException>(() => Collect(client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Hi")], new ChatOptions { ModelId = "gpt-4o-mini" })));

        Assert.Equal(AiFailureKind.StreamInterrupted, error.Kind);
        Assert.Contains("[DONE]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenAi_embeddings_come_back_in_input_order_with_usage()
    {
        _openAi.Given(Request.Create().WithPath("/v1/embeddings").UsingPost()).RespondWith(Json(OpenAiEmbeddings));
        var generator = _clients.CreateEmbeddingGenerator("openai")!;

        var embeddings = await generator.GenerateAsync(["first", "second"], new EmbeddingGenerationOptions { ModelId = "text-embedding-3-small" });

        Assert.Equal(2, embeddings.Count);
        Assert.Equal(0.0023064255f, embeddings[0].Vector.Span[0]);
        Assert.Equal(0.5f, embeddings[1].Vector.Span[0]);
        Assert.Equal(8, embeddings.Usage!.InputTokenCount);
    }

    [Fact]
    public async Task OpenAi_errors_are_classified_from_their_bodies()
    {
        _openAi.Given(Request.Create().WithPath("/v1/chat/completions").WithBody(b => b!.Contains("context", StringComparison.Ordinal)).UsingPost()).RespondWith(Json(OpenAiContextLength, 400));
        _openAi.Given(Request.Create().WithPath("/v1/chat/completions").WithBody(b => b!.Contains("policy", StringComparison.Ordinal)).UsingPost()).RespondWith(Json(OpenAiContentPolicy, 400));
        _openAi.Given(Request.Create().WithPath("/v1/chat/completions").WithBody(b => b!.Contains("invalid", StringComparison.Ordinal)).UsingPost()).RespondWith(Json(OpenAiInvalidRequest, 400));
        var client = _clients.CreateChatClient("openai");

        var context = await Assert.ThrowsAsync<AiProviderException>(() => client.GetResponseAsync("context", new ChatOptions { ModelId = "gpt-4o-mini" }));
        var policy = await Assert.ThrowsAsync<AiProviderException>(() => client.GetResponseAsync("policy", new ChatOptions { ModelId = "gpt-4o-mini" }));
        var invalid = await Assert.ThrowsAsync<AiProviderException>(() => client.GetResponseAsync("invalid", new ChatOptions { ModelId = "gpt-4o-mini" }));

        Assert.Equal(AiFailureKind.ContextLengthExceeded, context.Kind);
        Assert.Equal("context_length_exceeded", context.ErrorCode);
        Assert.Contains("maximum context length is 128000", context.Message, StringComparison.Ordinal);
        Assert.Equal(AiFailureKind.ContentPolicy, policy.Kind);
        Assert.Equal(AiFailureKind.Rejected, invalid.Kind);
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        // Client errors are not retried.
        Assert.Equal(3, _openAi.LogEntries.Count);
    }

    [Fact]
    public async Task A_429_with_retry_after_is_waited_out_and_retried()
    {
        _openAi.Given(Request.Create().WithPath("/v1/chat/completions").UsingPost()).InScenario("limited").WillSetStateTo("open")
            .RespondWith(Json(OpenAiRateLimit, 429).WithHeader("Retry-After", "1"));
        _openAi.Given(Request.Create().WithPath("/v1/chat/completions").UsingPost()).InScenario("limited").WhenStateIs("open")
            .RespondWith(Json(OpenAiCompletion));
        var client = _clients.CreateChatClient("openai");

        var response = await client.GetResponseAsync("Hi", new ChatOptions { ModelId = "gpt-4o-mini" });

        Assert.Equal("Hello from OpenAI", response.Text);
        var times = _openAi.LogEntries.Select(e => e.RequestMessage.DateTime).Order().ToArray();
        Assert.Equal(2, times.Length);
        // The retry waited the second Retry-After asked for, not the 10 ms backoff.
        Assert.True(times[1] - times[0] >= TimeSpan.FromMilliseconds(900), $"retried after {(times[1] - times[0]).TotalMilliseconds} ms");
    }

    [Fact]
    public async Task A_retry_after_longer_than_the_cap_is_not_slept_through()
    {
        _openAi.Given(Request.Create().WithPath("/v1/chat/completions").UsingPost()).RespondWith(Json(OpenAiRateLimit, 429).WithHeader("Retry-After", "3600"));
        var client = _clients.CreateChatClient("openai");

        var error = await Assert.ThrowsAsync<AiProviderException>(() => client.GetResponseAsync("Hi", new ChatOptions { ModelId = "gpt-4o-mini" }));

        Assert.Equal(AiFailureKind.RateLimited, error.Kind);
        Assert.Equal(TimeSpan.FromHours(1), error.RetryAfter);
        Assert.Single(_openAi.LogEntries);
    }

    [Fact]
    public async Task Server_errors_are_retried_then_reported_as_unavailable()
    {
        _openAi.Given(Request.Create().WithPath("/v1/chat/completions").UsingPost()).RespondWith(Json(OpenAiServerError, 500));
        var client = _clients.CreateChatClient("openai");

        var error = await Assert.ThrowsAsync<AiProviderException>(() => client.GetResponseAsync("Hi", new ChatOptions { ModelId = "gpt-4o-mini" }));

        Assert.Equal(AiFailureKind.Unavailable, error.Kind);
        Assert.Equal("server_error", error.ErrorType);
        Assert.Equal(3, _openAi.LogEntries.Count);
    }

    [Fact]
    public async Task A_redirect_is_reported_as_a_configuration_error_and_not_followed()
    {
        _openAi.Given(Request.Create().WithPath("/v1/chat/completions").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(HttpStatusCode.MovedPermanently).WithHeader("Location", _openAi.Url + "/elsewhere/chat/completions"));
        var client = _clients.CreateChatClient("openai");

        var error = await Assert.ThrowsAsync<AiProviderException>(() => client.GetResponseAsync("Hi", new ChatOptions { ModelId = "gpt-4o-mini" }));

        Assert.Equal(AiFailureKind.Unauthorized, error.Kind);
        Assert.Contains("301", error.Message, StringComparison.Ordinal);
        Assert.Equal("/v1/chat/completions", Assert.Single(_openAi.LogEntries).RequestMessage.Path);
    }

    [Fact]
    public async Task Provider_calls_carry_the_callers_trace_context_only_when_asked_to()
    {
        _openAi.Given(Request.Create().WithPath("/v1/chat/completions").UsingPost()).RespondWith(Json(OpenAiCompletion));
        using var caller = new Activity("caller").SetIdFormat(ActivityIdFormat.W3C).Start();

        await _clients.CreateChatClient("openai").GetResponseAsync("Hi", new ChatOptions { ModelId = "gpt-4o-mini" });
        using (var tracing = AiTestHost.Build(o =>
        {
            o.OpenAi("openai", _openAi);
            o.PropagateTraceContext = true;
        }))
        {
            await tracing.GetRequiredService<AiProviderClients>().CreateChatClient("openai").GetResponseAsync("Hi", new ChatOptions { ModelId = "gpt-4o-mini" });
        }

        string? TraceParent(int call) => _openAi.LogEntries.ElementAt(call).RequestMessage.Headers!
            .FirstOrDefault(h => h.Key.Equals("traceparent", StringComparison.OrdinalIgnoreCase)).Value?.Single();
        Assert.Null(TraceParent(0));
        Assert.StartsWith($"00-{caller.TraceId.ToHexString()}-", TraceParent(1), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_response_slower_than_the_attempt_timeout_is_unavailable()
    {
        _openAi.Given(Request.Create().WithPath("/v1/chat/completions").UsingPost()).RespondWith(Json(OpenAiCompletion).WithDelay(TimeSpan.FromSeconds(5)));
        using var services = AiTestHost.Build(o =>
        {
            o.OpenAi("openai", _openAi);
            o.MaxRetries = 0;
            o.AttemptTimeout = TimeSpan.FromSeconds(1);
        });
        var client = services.GetRequiredService<AiProviderClients>().CreateChatClient("openai");

        var error = await Assert.ThrowsAsync<AiProviderException>(() => client.GetResponseAsync("Hi", new ChatOptions { ModelId = "gpt-4o-mini" }));

        Assert.Equal(AiFailureKind.Unavailable, error.Kind);
        Assert.Contains("in time", error.Message, StringComparison.Ordinal);

        // Attempt timeouts reuse their token sources: one that fired is not handed to the next calls.
        _openAi.Reset();
        _openAi.Given(Request.Create().WithPath("/v1/chat/completions").UsingPost()).RespondWith(Json(OpenAiCompletion));
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal("Hello from OpenAI", (await client.GetResponseAsync("Hi", new ChatOptions { ModelId = "gpt-4o-mini" })).Text);
        }
    }

    [Fact]
    public async Task A_first_attempt_cut_by_the_attempt_timeout_is_retried_and_the_retry_answers()
    {
        var received = 0;
        _openAi.Given(Request.Create().WithPath("/v1/chat/completions").UsingPost()).RespondWith(Response.Create().WithCallback(_ =>
        {
            // Only the first request is slower than the attempt timeout.
            if (Interlocked.Increment(ref received) == 1)
            {
                Thread.Sleep(TimeSpan.FromSeconds(3));
            }

            return Answer(OpenAiCompletion);
        }));
        using var services = AiTestHost.Build(o =>
        {
            o.OpenAi("openai", _openAi);
            o.MaxRetries = 1;
            o.RetryDelay = TimeSpan.FromMilliseconds(10);
            o.AttemptTimeout = TimeSpan.FromMilliseconds(500);
        });
        var client = services.GetRequiredService<AiProviderClients>().CreateChatClient("openai");

        var response = await client.GetResponseAsync("Hi", new ChatOptions { ModelId = "gpt-4o-mini" });

        Assert.Equal("Hello from OpenAI", response.Text);
        Assert.Equal(2, Volatile.Read(ref received));
    }

    [Fact]
    public async Task A_caller_cancelling_the_first_attempt_is_not_retried()
    {
        var received = 0;
        _openAi.Given(Request.Create().WithPath("/v1/chat/completions").UsingPost()).RespondWith(Response.Create().WithCallback(_ =>
        {
            Interlocked.Increment(ref received);
            Thread.Sleep(TimeSpan.FromSeconds(1));
            return Answer(OpenAiCompletion);
        }));
        var client = _clients.CreateChatClient("openai");
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.GetResponseAsync("Hi", new ChatOptions { ModelId = "gpt-4o-mini" }, cancel.Token));
        // A retry would follow within the 10 ms backoff.
        await Task.Delay(TimeSpan.FromMilliseconds(500));

        Assert.Equal(1, Volatile.Read(ref received));
    }

    private static ResponseMessage Answer(string json) => new()
    {
        StatusCode = 200,
        Headers = new Dictionary<string, WireMockList<string>> { ["Content-Type"] = new("application/json") },
        BodyData = new BodyData { BodyAsString = json, DetectedBodyType = BodyType.String, Encoding = System.Text.Encoding.UTF8 },
    };

    [Fact]
    public async Task Anthropic_message_moves_system_prompts_aside_and_counts_cached_tokens_as_input()
    {
        _anthropic.Given(Request.Create().WithPath("/v1/messages").WithHeader("x-api-key", "sk-ant-test").WithHeader("anthropic-version", "2023-06-01").UsingPost())
            .RespondWith(Json(AnthropicMessage));
        var client = _clients.CreateChatClient("anthropic");

        var response = await client.GetResponseAsync(
            [new ChatMessage(ChatRole.System, "Be brief."), new ChatMessage(ChatRole.User, "Hi")],
            new ChatOptions { ModelId = "claude-3-5-haiku-20241022", MaxOutputTokens = 100 });

        Assert.Equal("Hello from Claude", response.Text);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        Assert.Equal(32, response.Usage!.InputTokenCount);
        Assert.Equal(20, response.Usage.CachedInputTokenCount);
        Assert.Equal(6, response.Usage.OutputTokenCount);
        using var sent = JsonDocument.Parse(Assert.Single(_anthropic.LogEntries).RequestMessage.Body!);
        Assert.Equal("Be brief.", sent.RootElement.GetProperty("system").GetString());
        Assert.Equal(1, sent.RootElement.GetProperty("messages").GetArrayLength());
        Assert.Equal(100, sent.RootElement.GetProperty("max_tokens").GetInt32());
    }

    [Fact]
    public async Task Anthropic_stream_reads_input_tokens_from_message_start_and_output_tokens_from_message_delta()
    {
        _anthropic.Given(Request.Create().WithPath("/v1/messages").UsingPost()).RespondWith(Sse(AnthropicStream));
        var client = _clients.CreateChatClient("anthropic");

        var response = (await Collect(client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Hi")], new ChatOptions { ModelId = "claude-3-5-haiku-20241022" }))).ToChatResponse();

        Assert.Equal("Hello Claude", response.Text);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        Assert.Equal(25, response.Usage!.InputTokenCount);
        Assert.Equal(15, response.Usage.OutputTokenCount);
    }

    [Fact]
    public async Task Anthropic_error_event_in_a_stream_and_error_bodies_are_classified()
    {
        _anthropic.Given(Request.Create().WithPath("/v1/messages").WithBody(b => b!.Contains("stream", StringComparison.Ordinal)).UsingPost()).RespondWith(Sse(AnthropicStreamOverloaded));
        _anthropic.Given(Request.Create().WithPath("/v1/messages").WithBody(b => b!.Contains("long", StringComparison.Ordinal)).UsingPost()).RespondWith(Json(AnthropicPromptTooLong, 400));
        _anthropic.Given(Request.Create().WithPath("/v1/messages").WithBody(b => b!.Contains("busy", StringComparison.Ordinal)).UsingPost()).RespondWith(Json(AnthropicOverloaded, 529));
        var client = _clients.CreateChatClient("anthropic");
        var options = new ChatOptions { ModelId = "claude-3-5-haiku-20241022" };

        var streamed = await Assert.ThrowsAsync<AiProviderException>(() => Collect(client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "stream")], options)));
        var tooLong = await Assert.ThrowsAsync<AiProviderException>(() => client.GetResponseAsync("long", options));
        var busy = await Assert.ThrowsAsync<AiProviderException>(() => client.GetResponseAsync("busy", options));

        Assert.Equal(AiFailureKind.Unavailable, streamed.Kind);
        Assert.Equal("overloaded_error", streamed.ErrorType);
        Assert.Equal(AiFailureKind.ContextLengthExceeded, tooLong.Kind);
        Assert.Equal(AiFailureKind.Unavailable, busy.Kind);
        Assert.Equal((HttpStatusCode)529, busy.StatusCode);
    }

    [Fact]
    public async Task Content_other_than_text_is_refused_rather_than_dropped()
    {
        var client = _clients.CreateChatClient("openai");

        var error = await Assert.ThrowsAsync<AllixiosException>(() => client.GetResponseAsync(
            [new ChatMessage(ChatRole.User, [new TextContent("What is this?"), new DataContent(new byte[] { 1, 2, 3 }, "image/png")])],
            new ChatOptions { ModelId = "gpt-4o-mini" }));

        Assert.Equal(AllixiosErrorKind.InvalidArgument, error.Kind);
        Assert.Equal("unsupported_content", error.Reason);
        Assert.Empty(_openAi.LogEntries);
    }

    internal static async Task<List<ChatResponseUpdate>> Collect(IAsyncEnumerable<ChatResponseUpdate> updates)
    {
        var list = new List<ChatResponseUpdate>();
        await foreach (var update in updates)
        {
            list.Add(update);
        }

        return list;
    }
}

using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Refit;

namespace Allixios.AiRouting.Providers;

/// <summary>
/// An <see cref="IChatClient"/> over an OpenAI-compatible chat-completions API (OpenAI, Azure OpenAI, Ollama, vLLM,
/// OpenRouter, LM Studio). Streams ask for <c>stream_options.include_usage</c> and report the final chunk's usage as a
/// <see cref="UsageContent"/>. Failures surface as <see cref="AiProviderException"/>.
/// </summary>
public sealed class OpenAiChatClient : IChatClient
{
    // Sent as it is: a MediaTypeHeaderValue would be formatted anew into a string for every request.
    private const string JsonUtf8 = "application/json; charset=utf-8";

    private readonly IOpenAiApi _api;
    private readonly string _provider;
    private readonly ChatClientMetadata _metadata;
    private readonly HttpClient? _http;
    private readonly Uri? _completions;

    /// <summary>Creates the client.</summary>
    /// <param name="api">The Refit client (its HttpClient carries the base address, key and resilience handler).</param>
    /// <param name="provider">The provider's name, for errors and metadata.</param>
    /// <param name="defaultModel">The model used when the chat options name none.</param>
    /// <param name="endpoint">The base address, for metadata.</param>
    public OpenAiChatClient(IOpenAiApi api, string provider, string? defaultModel = null, Uri? endpoint = null)
    {
        ArgumentNullException.ThrowIfNull(api);
        ArgumentException.ThrowIfNullOrWhiteSpace(provider);
        _api = api;
        _provider = provider;
        _metadata = new ChatClientMetadata(provider, endpoint, defaultModel);
    }

    /// <summary>
    /// Creates the client with <paramref name="http"/> (the same client <paramref name="api"/> sends through) for the
    /// unary completion, the router's hot path: it posts the same JSON to the same address as the Refit call, serialized
    /// with source-generated metadata and without Refit's per-call request building (streams still go through Refit).
    /// </summary>
    internal OpenAiChatClient(IOpenAiApi api, HttpClient http, string provider, Uri? endpoint = null)
        : this(api, provider, endpoint: endpoint)
    {
        ArgumentNullException.ThrowIfNull(http);
        _http = http;
        // As Refit joins them: the base address's path without its trailing slash, then the method's path. Made
        // absolute once, so that HttpClient neither combines it with its base address nor parses the result again on
        // every request (the host and path are then read from this one instance, which keeps them once computed).
        var basePath = http.BaseAddress?.AbsolutePath.TrimEnd('/') ?? string.Empty;
        var path = basePath + "/chat/completions";
        _completions = http.BaseAddress is { } baseAddress ? new Uri(baseAddress, path) : new Uri(path, UriKind.Relative);
    }

    /// <inheritdoc />
    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        OpenAiWire.ChatRequest request;
        try
        {
            request = BuildRequest(messages, options, stream: false);
        }
        catch (Exception e)
        {
            // As an async method would: a request that cannot be built is a faulted task, not a throw.
            return Task.FromException<ChatResponse>(e);
        }

        // The direct call is the hot path: no async layer here above the one that sends.
        return _http is not null ? CompleteDirectAsync(_http, request, cancellationToken) : CompleteThroughRefitAsync(request, cancellationToken);
    }

    private async Task<ChatResponse> CompleteThroughRefitAsync(OpenAiWire.ChatRequest request, CancellationToken cancellationToken)
    {
        IApiResponse<OpenAiWire.ChatResponse> response;
        try
        {
            response = await _api.CompleteAsync(request, cancellationToken);
        }
        catch (Exception ex) when (ProviderErrors.IsTransport(ex, cancellationToken))
        {
            throw ProviderErrors.FromTransport(_provider, ex, cancellationToken);
        }

        using (response)
        {
            if (!response.IsSuccessful || response.Content is null)
            {
                throw ProviderErrors.FromApiResponse(_provider, response, cancellationToken);
            }

            return ToChatResponse(response.Content, request);
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var request = BuildRequest(messages, options, stream: true);
        using (var response = await ProviderStreams.OpenAsync(_provider, ct => _api.StreamAsync(request, ct), cancellationToken))
        {
            var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            await using var events = SseParser.Create(stream).EnumerateAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);
            var done = false;
            while (true)
            {
                try
                {
                    if (!await events.MoveNextAsync())
                    {
                        break;
                    }
                }
                catch (Exception ex) when (ProviderErrors.IsTransport(ex, cancellationToken))
                {
                    throw new AiProviderException(AiFailureKind.StreamInterrupted, _provider, $"{_provider}'s stream broke: {ex.Message}", innerException: ex);
                }

                var data = events.Current.Data;
                if (data == "[DONE]")
                {
                    done = true;
                    break;
                }

                var chunk = Parse(data);
                if (chunk.Error is { ValueKind: not JsonValueKind.Null } error)
                {
                    throw ProviderErrors.FromStreamError(_provider, error);
                }

                if (chunk.Choices is { Count: > 0 } choices)
                {
                    var choice = choices[0];
                    var update = new ChatResponseUpdate(ChatRole.Assistant, choice.Delta?.Content)
                    {
                        ResponseId = chunk.Id,
                        ModelId = chunk.Model,
                        CreatedAt = chunk.Created is { } created ? DateTimeOffset.FromUnixTimeSeconds(created) : null,
                        FinishReason = ProviderRequests.FinishReason(choice.FinishReason),
                        RawRepresentation = chunk,
                    };
                    yield return update;
                }

                if (Usage(chunk.Usage) is { } usage)
                {
                    yield return new ChatResponseUpdate(ChatRole.Assistant, [new UsageContent(usage)]) { ResponseId = chunk.Id, ModelId = chunk.Model, RawRepresentation = chunk };
                }
            }

            if (!done)
            {
                throw new AiProviderException(AiFailureKind.StreamInterrupted, _provider, $"{_provider}'s stream ended without its [DONE] line.");
            }
        }
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(ChatClientMetadata) ? _metadata
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        // The HttpClient belongs to the factory that made it.
    }

    private static ChatResponse ToChatResponse(OpenAiWire.ChatResponse body, OpenAiWire.ChatRequest request)
    {
        var choice = body.Choices is { Count: > 0 } choices ? choices[0] : null;
        return new ChatResponse(new ChatMessage(ChatRole.Assistant, choice?.Message?.Content ?? ""))
        {
            ResponseId = body.Id,
            ModelId = body.Model ?? request.Model,
            CreatedAt = body.Created is { } created ? DateTimeOffset.FromUnixTimeSeconds(created) : null,
            FinishReason = ProviderRequests.FinishReason(choice?.FinishReason),
            Usage = Usage(body.Usage),
            RawRepresentation = body,
        };
    }

    /// <summary>The unary completion over <paramref name="http"/>, with the errors the Refit call reports for the same failures.</summary>
    private async Task<ChatResponse> CompleteDirectAsync(HttpClient http, OpenAiWire.ChatRequest request, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, _completions)
        {
            Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(request, OpenAiWireJson.Default.ChatRequest)),
        };
        message.Content.Headers.TryAddWithoutValidation("Content-Type", JsonUtf8);
        HttpResponseMessage response;
        try
        {
            // The body is read below into a pooled buffer rather than buffered by HttpClient and copied out again.
            response = await http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (Exception ex) when (ProviderErrors.IsTransport(ex, cancellationToken))
        {
            throw ProviderErrors.FromTransport(_provider, ex, cancellationToken);
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                throw await ProviderErrors.FromResponseAsync(_provider, response, cancellationToken);
            }

            OpenAiWire.ChatResponse? body;
            try
            {
                body = await PooledJsonBody.ReadAsync(response.Content, OpenAiChatAnswerJson.Read, cancellationToken);
            }
            catch (JsonException ex)
            {
                throw ProviderErrors.UnreadableBody(_provider, response.StatusCode, ex.Message);
            }
            catch (Exception ex) when (ProviderErrors.IsTransport(ex, cancellationToken))
            {
                throw ProviderErrors.FromTransport(_provider, ex, cancellationToken);
            }

            return ToChatResponse(body ?? throw ProviderErrors.UnreadableBody(_provider, response.StatusCode, "the body is JSON null"), request);
        }
    }

    private OpenAiWire.StreamChunk Parse(string data)
    {
        try
        {
            return JsonSerializer.Deserialize<OpenAiWire.StreamChunk>(data)
                ?? throw new AiProviderException(AiFailureKind.Unavailable, _provider, $"{_provider} sent an empty stream chunk.");
        }
        catch (JsonException ex)
        {
            throw new AiProviderException(AiFailureKind.StreamInterrupted, _provider, $"{_provider} sent a stream chunk that is not JSON: {ex.Message}", innerException: ex);
        }
    }

    private static OpenAiWire.ChatRequest BuildRequest(IEnumerable<ChatMessage> messages, ChatOptions? options, bool stream)
    {
        ArgumentNullException.ThrowIfNull(messages);
        ProviderRequests.EnsureSupported(options);
        var wire = new List<OpenAiWire.Message>();
        if (!string.IsNullOrEmpty(options?.Instructions))
        {
            wire.Add(new OpenAiWire.Message { Role = "system", Content = options.Instructions });
        }

        foreach (var message in messages)
        {
            wire.Add(new OpenAiWire.Message { Role = message.Role.Value, Content = ProviderRequests.Text(message) });
        }

        return new OpenAiWire.ChatRequest
        {
            Model = ProviderRequests.Model(options, null),
            Messages = wire,
            MaxTokens = options?.MaxOutputTokens,
            Temperature = options?.Temperature,
            TopP = options?.TopP,
            FrequencyPenalty = options?.FrequencyPenalty,
            PresencePenalty = options?.PresencePenalty,
            Seed = options?.Seed,
            Stop = options?.StopSequences,
            ResponseFormat = ResponseFormat(options?.ResponseFormat),
            Stream = stream ? true : null,
            StreamOptions = stream ? new OpenAiWire.StreamOptions { IncludeUsage = true } : null,
        };
    }

    private static JsonElement? ResponseFormat(ChatResponseFormat? format)
    {
        if (format is not ChatResponseFormatJson json)
        {
            return null;
        }

        if (json.Schema is not { } schema)
        {
            return JsonSerializer.SerializeToElement(new Dictionary<string, string> { ["type"] = "json_object" });
        }

        return JsonSerializer.SerializeToElement(new Dictionary<string, object>
        {
            ["type"] = "json_schema",
            ["json_schema"] = new Dictionary<string, object>
            {
                ["name"] = json.SchemaName ?? "response",
                ["schema"] = schema,
                ["strict"] = true,
            },
        });
    }

    internal static UsageDetails? Usage(OpenAiWire.Usage? usage) => usage is null ? null : new UsageDetails
    {
        InputTokenCount = usage.PromptTokens,
        OutputTokenCount = usage.CompletionTokens,
        TotalTokenCount = usage.TotalTokens == 0 ? usage.PromptTokens + usage.CompletionTokens : usage.TotalTokens,
        CachedInputTokenCount = usage.PromptTokensDetails?.CachedTokens,
    };
}

using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Refit;

namespace Allixios.AiRouting.Providers;

/// <summary>
/// An <see cref="IChatClient"/> over Anthropic's Messages API. System messages become the request's <c>system</c>;
/// streams read the prompt tokens from <c>message_start</c> and the output tokens from <c>message_delta</c> and report
/// them as a <see cref="UsageContent"/> at <c>message_stop</c>. Failures surface as <see cref="AiProviderException"/>.
/// </summary>
public sealed class AnthropicChatClient : IChatClient
{
    private readonly IAnthropicApi _api;
    private readonly string _provider;
    private readonly int _defaultMaxTokens;
    private readonly ChatClientMetadata _metadata;

    /// <summary>Creates the client.</summary>
    /// <param name="api">The Refit client (its HttpClient carries the base address, headers and resilience handler).</param>
    /// <param name="provider">The provider's name, for errors and metadata.</param>
    /// <param name="defaultMaxTokens">The <c>max_tokens</c> Anthropic requires, when the chat options name none.</param>
    /// <param name="endpoint">The base address, for metadata.</param>
    public AnthropicChatClient(IAnthropicApi api, string provider, int defaultMaxTokens = 4096, Uri? endpoint = null)
    {
        ArgumentNullException.ThrowIfNull(api);
        ArgumentException.ThrowIfNullOrWhiteSpace(provider);
        ArgumentOutOfRangeException.ThrowIfLessThan(defaultMaxTokens, 1);
        _api = api;
        _provider = provider;
        _defaultMaxTokens = defaultMaxTokens;
        _metadata = new ChatClientMetadata(provider, endpoint);
    }

    /// <inheritdoc />
    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var request = BuildRequest(messages, options, stream: false);
        IApiResponse<AnthropicWire.MessagesResponse> response;
        try
        {
            response = await _api.CreateAsync(request, cancellationToken);
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

            var body = response.Content;
            var text = new StringBuilder();
            foreach (var block in body.Content ?? [])
            {
                if (block.Type == "text")
                {
                    text.Append(block.Text);
                }
            }

            return new ChatResponse(new ChatMessage(ChatRole.Assistant, text.ToString()))
            {
                ResponseId = body.Id,
                ModelId = body.Model ?? request.Model,
                FinishReason = ProviderRequests.FinishReason(body.StopReason),
                Usage = Usage(body.Usage, null),
                RawRepresentation = body,
            };
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
            AnthropicWire.Usage? started = null;
            AnthropicWire.Usage? delta = null;
            string? id = null;
            string? model = null;
            var stopped = false;
            while (!stopped)
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

                var item = Parse(events.Current.Data);
                switch (item.Type)
                {
                    case "message_start":
                        id = item.Message?.Id;
                        model = item.Message?.Model;
                        started = item.Message?.Usage;
                        yield return new ChatResponseUpdate(ChatRole.Assistant, (string?)null) { ResponseId = id, ModelId = model, RawRepresentation = item };
                        break;
                    case "content_block_delta" when item.Delta is { Type: "text_delta", Text: { } text }:
                        yield return new ChatResponseUpdate(ChatRole.Assistant, text) { ResponseId = id, ModelId = model, RawRepresentation = item };
                        break;
                    case "message_delta":
                        delta = item.Usage ?? delta;
                        if (item.Delta?.StopReason is { } reason)
                        {
                            yield return new ChatResponseUpdate(ChatRole.Assistant, (string?)null) { ResponseId = id, ModelId = model, FinishReason = ProviderRequests.FinishReason(reason), RawRepresentation = item };
                        }

                        break;
                    case "message_stop":
                        stopped = true;
                        break;
                    case "error" when item.Error is { } error:
                        throw ProviderErrors.FromStreamError(_provider, error);
                    default:
                        // ping, content_block_start, content_block_stop: nothing for the caller.
                        break;
                }
            }

            if (!stopped)
            {
                throw new AiProviderException(AiFailureKind.StreamInterrupted, _provider, $"{_provider}'s stream ended without message_stop.");
            }

            if (Usage(started, delta) is { } usage)
            {
                yield return new ChatResponseUpdate(ChatRole.Assistant, [new UsageContent(usage)]) { ResponseId = id, ModelId = model };
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

    private AnthropicWire.StreamEvent Parse(string data)
    {
        try
        {
            return JsonSerializer.Deserialize<AnthropicWire.StreamEvent>(data)
                ?? throw new AiProviderException(AiFailureKind.StreamInterrupted, _provider, $"{_provider} sent an empty stream event.");
        }
        catch (JsonException ex)
        {
            throw new AiProviderException(AiFailureKind.StreamInterrupted, _provider, $"{_provider} sent a stream event that is not JSON: {ex.Message}", innerException: ex);
        }
    }

    private AnthropicWire.MessagesRequest BuildRequest(IEnumerable<ChatMessage> messages, ChatOptions? options, bool stream)
    {
        ArgumentNullException.ThrowIfNull(messages);
        ProviderRequests.EnsureSupported(options);
        if (options?.ResponseFormat is ChatResponseFormatJson)
        {
            throw AllixiosException.Invalid("json_mode_not_supported", "Anthropic's Messages API has no JSON mode; route JSON requests to a model that supports it.");
        }

        StringBuilder? system = string.IsNullOrEmpty(options?.Instructions) ? null : new StringBuilder(options.Instructions);
        var wire = new List<AnthropicWire.Message>();
        foreach (var message in messages)
        {
            var text = ProviderRequests.Text(message);
            if (message.Role == ChatRole.System)
            {
                // Anthropic takes the system prompt beside the turns, not among them.
                system = system is null ? new StringBuilder(text) : system.Append("\n\n").Append(text);
            }
            else if (message.Role == ChatRole.User || message.Role == ChatRole.Assistant)
            {
                wire.Add(new AnthropicWire.Message { Role = message.Role.Value, Content = text });
            }
            else
            {
                throw AllixiosException.Invalid("unsupported_role", $"Anthropic takes system, user and assistant messages; a '{message.Role}' message cannot be sent.");
            }
        }

        return new AnthropicWire.MessagesRequest
        {
            Model = ProviderRequests.Model(options, null),
            MaxTokens = options?.MaxOutputTokens ?? _defaultMaxTokens,
            System = system?.ToString(),
            Messages = wire,
            Temperature = options?.Temperature,
            TopP = options?.TopP,
            TopK = options?.TopK,
            StopSequences = options?.StopSequences,
            Stream = stream ? true : null,
        };
    }

    /// <summary>
    /// Anthropic's <c>input_tokens</c> leaves out cached prompt tokens; the M.E.AI input count is the whole prompt,
    /// with the cache reads as its cached part.
    /// </summary>
    internal static UsageDetails? Usage(AnthropicWire.Usage? start, AnthropicWire.Usage? delta)
    {
        if (start is null && delta is null)
        {
            return null;
        }

        var cached = delta?.CacheReadInputTokens ?? start?.CacheReadInputTokens ?? 0;
        var input = (delta?.InputTokens ?? start?.InputTokens ?? 0) + cached + (delta?.CacheCreationInputTokens ?? start?.CacheCreationInputTokens ?? 0);
        var output = delta?.OutputTokens ?? start?.OutputTokens ?? 0;
        return new UsageDetails
        {
            InputTokenCount = input,
            OutputTokenCount = output,
            TotalTokenCount = input + output,
            CachedInputTokenCount = cached == 0 ? null : cached,
        };
    }
}

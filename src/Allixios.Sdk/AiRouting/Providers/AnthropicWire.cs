using System.Text.Json;
using System.Text.Json.Serialization;

namespace Allixios.AiRouting.Providers;

/// <summary>The JSON bodies of Anthropic's Messages API, as they travel on the wire.</summary>
public static class AnthropicWire
{
    /// <summary>A Messages request.</summary>
    public sealed class MessagesRequest
    {
        /// <summary>The model.</summary>
        [JsonPropertyName("model")] public required string Model { get; init; }

        /// <summary>The most tokens to write (required by Anthropic).</summary>
        [JsonPropertyName("max_tokens")] public required int MaxTokens { get; init; }

        /// <summary>The system prompt.</summary>
        [JsonPropertyName("system")] public string? System { get; init; }

        /// <summary>The conversation: user and assistant turns.</summary>
        [JsonPropertyName("messages")] public required IReadOnlyList<Message> Messages { get; init; }

        /// <summary>Sampling temperature.</summary>
        [JsonPropertyName("temperature")] public float? Temperature { get; init; }

        /// <summary>Nucleus sampling.</summary>
        [JsonPropertyName("top_p")] public float? TopP { get; init; }

        /// <summary>Top-k sampling.</summary>
        [JsonPropertyName("top_k")] public int? TopK { get; init; }

        /// <summary>Stop sequences.</summary>
        [JsonPropertyName("stop_sequences")] public IList<string>? StopSequences { get; init; }

        /// <summary>Whether to stream.</summary>
        [JsonPropertyName("stream")] public bool? Stream { get; init; }
    }

    /// <summary>One turn.</summary>
    public sealed class Message
    {
        /// <summary>user or assistant.</summary>
        [JsonPropertyName("role")] public required string Role { get; init; }

        /// <summary>The text.</summary>
        [JsonPropertyName("content")] public required string Content { get; init; }
    }

    /// <summary>A Messages response (also the <c>message</c> of a stream's <c>message_start</c>).</summary>
    public sealed class MessagesResponse
    {
        /// <summary>The message id.</summary>
        [JsonPropertyName("id")] public string? Id { get; init; }

        /// <summary>The model that answered.</summary>
        [JsonPropertyName("model")] public string? Model { get; init; }

        /// <summary>The content blocks.</summary>
        [JsonPropertyName("content")] public IReadOnlyList<ContentBlock>? Content { get; init; }

        /// <summary>Why the model stopped: end_turn, max_tokens, stop_sequence, tool_use, refusal.</summary>
        [JsonPropertyName("stop_reason")] public string? StopReason { get; init; }

        /// <summary>The tokens used.</summary>
        [JsonPropertyName("usage")] public Usage? Usage { get; init; }
    }

    /// <summary>One content block.</summary>
    public sealed class ContentBlock
    {
        /// <summary>text, tool_use, …</summary>
        [JsonPropertyName("type")] public string? Type { get; init; }

        /// <summary>The text of a text block.</summary>
        [JsonPropertyName("text")] public string? Text { get; init; }
    }

    /// <summary>Token usage. <c>input_tokens</c> leaves out the tokens read from or written to the prompt cache.</summary>
    public sealed class Usage
    {
        /// <summary>Uncached prompt tokens.</summary>
        [JsonPropertyName("input_tokens")] public long? InputTokens { get; init; }

        /// <summary>Output tokens (cumulative in a stream's <c>message_delta</c>).</summary>
        [JsonPropertyName("output_tokens")] public long? OutputTokens { get; init; }

        /// <summary>Prompt tokens read from the prompt cache.</summary>
        [JsonPropertyName("cache_read_input_tokens")] public long? CacheReadInputTokens { get; init; }

        /// <summary>Prompt tokens written to the prompt cache.</summary>
        [JsonPropertyName("cache_creation_input_tokens")] public long? CacheCreationInputTokens { get; init; }
    }

    /// <summary>One streamed event's data: <c>message_start</c>, <c>content_block_delta</c>, <c>message_delta</c>, <c>message_stop</c>, <c>ping</c>, <c>error</c>.</summary>
    public sealed class StreamEvent
    {
        /// <summary>The event type.</summary>
        [JsonPropertyName("type")] public string? Type { get; init; }

        /// <summary>The message, in <c>message_start</c>.</summary>
        [JsonPropertyName("message")] public MessagesResponse? Message { get; init; }

        /// <summary>The change, in <c>content_block_delta</c> (text) and <c>message_delta</c> (stop reason).</summary>
        [JsonPropertyName("delta")] public Delta? Delta { get; init; }

        /// <summary>The cumulative usage, in <c>message_delta</c>.</summary>
        [JsonPropertyName("usage")] public Usage? Usage { get; init; }

        /// <summary>The error, in <c>error</c>.</summary>
        [JsonPropertyName("error")] public JsonElement? Error { get; init; }
    }

    /// <summary>A streamed change.</summary>
    public sealed class Delta
    {
        /// <summary>text_delta, input_json_delta, …</summary>
        [JsonPropertyName("type")] public string? Type { get; init; }

        /// <summary>The new text.</summary>
        [JsonPropertyName("text")] public string? Text { get; init; }

        /// <summary>Why the model stopped, in <c>message_delta</c>.</summary>
        [JsonPropertyName("stop_reason")] public string? StopReason { get; init; }
    }
}

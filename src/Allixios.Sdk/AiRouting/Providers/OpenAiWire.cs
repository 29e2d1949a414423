using System.Text.Json;
using System.Text.Json.Serialization;

namespace Allixios.AiRouting.Providers;

/// <summary>
/// The JSON bodies of OpenAI's chat-completions and embeddings API, as they travel on the wire. The types a completion's
/// answer is read into have settable properties: System.Text.Json reads init-only ones through a constructor-argument
/// path that costs more time and allocations, on every routed call.
/// </summary>
public static class OpenAiWire
{
    /// <summary>A chat-completions request.</summary>
    public sealed class ChatRequest
    {
        /// <summary>The model.</summary>
        [JsonPropertyName("model")] public required string Model { get; init; }

        /// <summary>The conversation.</summary>
        [JsonPropertyName("messages")] public required IReadOnlyList<Message> Messages { get; init; }

        /// <summary>The most tokens to write.</summary>
        [JsonPropertyName("max_tokens")] public int? MaxTokens { get; init; }

        /// <summary>Sampling temperature.</summary>
        [JsonPropertyName("temperature")] public float? Temperature { get; init; }

        /// <summary>Nucleus sampling.</summary>
        [JsonPropertyName("top_p")] public float? TopP { get; init; }

        /// <summary>Frequency penalty.</summary>
        [JsonPropertyName("frequency_penalty")] public float? FrequencyPenalty { get; init; }

        /// <summary>Presence penalty.</summary>
        [JsonPropertyName("presence_penalty")] public float? PresencePenalty { get; init; }

        /// <summary>Seed for reproducible sampling.</summary>
        [JsonPropertyName("seed")] public long? Seed { get; init; }

        /// <summary>Stop sequences.</summary>
        [JsonPropertyName("stop")] public IList<string>? Stop { get; init; }

        /// <summary>JSON mode or a JSON schema.</summary>
        [JsonPropertyName("response_format")] public JsonElement? ResponseFormat { get; init; }

        /// <summary>Whether to stream.</summary>
        [JsonPropertyName("stream")] public bool? Stream { get; init; }

        /// <summary>Streaming options; <c>include_usage</c> makes the last chunk carry the token usage.</summary>
        [JsonPropertyName("stream_options")] public StreamOptions? StreamOptions { get; init; }
    }

    /// <summary>Streaming options.</summary>
    public sealed class StreamOptions
    {
        /// <summary>Whether the stream ends with a chunk that carries the usage.</summary>
        [JsonPropertyName("include_usage")] public bool IncludeUsage { get; init; }
    }

    /// <summary>One message of the conversation.</summary>
    public sealed class Message
    {
        /// <summary>system, user or assistant.</summary>
        [JsonPropertyName("role")] public string? Role { get; set; }

        /// <summary>The text.</summary>
        [JsonPropertyName("content")] public string? Content { get; set; }
    }

    /// <summary>A chat-completions response.</summary>
    public sealed class ChatResponse
    {
        /// <summary>The response id.</summary>
        [JsonPropertyName("id")] public string? Id { get; set; }

        /// <summary>The model that answered.</summary>
        [JsonPropertyName("model")] public string? Model { get; set; }

        /// <summary>Unix seconds.</summary>
        [JsonPropertyName("created")] public long? Created { get; set; }

        /// <summary>The answers.</summary>
        [JsonPropertyName("choices")] public IReadOnlyList<Choice>? Choices { get; set; }

        /// <summary>The tokens used.</summary>
        [JsonPropertyName("usage")] public Usage? Usage { get; set; }
    }

    /// <summary>One answer (or, streamed, one delta).</summary>
    public sealed class Choice
    {
        /// <summary>The answer's index.</summary>
        [JsonPropertyName("index")] public int Index { get; set; }

        /// <summary>The whole message (unary).</summary>
        [JsonPropertyName("message")] public Message? Message { get; set; }

        /// <summary>The new part (streamed).</summary>
        [JsonPropertyName("delta")] public Message? Delta { get; set; }

        /// <summary>Why the model stopped: stop, length, content_filter, tool_calls.</summary>
        [JsonPropertyName("finish_reason")] public string? FinishReason { get; set; }
    }

    /// <summary>Token usage.</summary>
    public sealed class Usage
    {
        /// <summary>Prompt tokens.</summary>
        [JsonPropertyName("prompt_tokens")] public long PromptTokens { get; set; }

        /// <summary>Output tokens.</summary>
        [JsonPropertyName("completion_tokens")] public long CompletionTokens { get; set; }

        /// <summary>Both.</summary>
        [JsonPropertyName("total_tokens")] public long TotalTokens { get; set; }

        /// <summary>Details of the prompt tokens.</summary>
        [JsonPropertyName("prompt_tokens_details")] public PromptDetails? PromptTokensDetails { get; set; }
    }

    /// <summary>Details of the prompt tokens.</summary>
    public sealed class PromptDetails
    {
        /// <summary>Prompt tokens read from the provider's prompt cache.</summary>
        [JsonPropertyName("cached_tokens")] public long? CachedTokens { get; set; }
    }

    /// <summary>A streamed chunk: <c>data: {...}</c> of a <c>chat.completion.chunk</c>.</summary>
    public sealed class StreamChunk
    {
        /// <summary>The response id.</summary>
        [JsonPropertyName("id")] public string? Id { get; init; }

        /// <summary>The model.</summary>
        [JsonPropertyName("model")] public string? Model { get; init; }

        /// <summary>Unix seconds.</summary>
        [JsonPropertyName("created")] public long? Created { get; init; }

        /// <summary>The deltas; empty in the final usage chunk.</summary>
        [JsonPropertyName("choices")] public IReadOnlyList<Choice>? Choices { get; init; }

        /// <summary>The usage, in the final chunk when <c>include_usage</c> was asked for.</summary>
        [JsonPropertyName("usage")] public Usage? Usage { get; init; }

        /// <summary>An error some servers send inside the stream.</summary>
        [JsonPropertyName("error")] public JsonElement? Error { get; init; }
    }

    /// <summary>An embeddings request.</summary>
    public sealed class EmbeddingRequest
    {
        /// <summary>The model.</summary>
        [JsonPropertyName("model")] public required string Model { get; init; }

        /// <summary>The texts.</summary>
        [JsonPropertyName("input")] public required IReadOnlyList<string> Input { get; init; }

        /// <summary>The vector length, for models that can shorten it.</summary>
        [JsonPropertyName("dimensions")] public int? Dimensions { get; init; }

        /// <summary>Always <c>float</c>.</summary>
        [JsonPropertyName("encoding_format")] public string EncodingFormat { get; init; } = "float";
    }

    /// <summary>An embeddings response.</summary>
    public sealed class EmbeddingResponse
    {
        /// <summary>One vector per input.</summary>
        [JsonPropertyName("data")] public IReadOnlyList<EmbeddingData>? Data { get; init; }

        /// <summary>The model.</summary>
        [JsonPropertyName("model")] public string? Model { get; init; }

        /// <summary>The tokens used.</summary>
        [JsonPropertyName("usage")] public Usage? Usage { get; init; }
    }

    /// <summary>One vector.</summary>
    public sealed class EmbeddingData
    {
        /// <summary>The input's index.</summary>
        [JsonPropertyName("index")] public int Index { get; init; }

        /// <summary>The vector.</summary>
        [JsonPropertyName("embedding")] public float[]? Embedding { get; init; }
    }
}

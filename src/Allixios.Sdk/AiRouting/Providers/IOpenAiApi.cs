using Refit;

namespace Allixios.AiRouting.Providers;

/// <summary>OpenAI's chat-completions and embeddings API, as Refit declares it. Use <see cref="OpenAiChatClient"/> in code.</summary>
public interface IOpenAiApi
{
    /// <summary>One chat completion.</summary>
    [Post("/chat/completions")]
    Task<IApiResponse<OpenAiWire.ChatResponse>> CompleteAsync([Body] OpenAiWire.ChatRequest request, CancellationToken cancellationToken = default);

    /// <summary>A streamed chat completion: the response's body is the server-sent event stream.</summary>
    [Post("/chat/completions")]
    [Headers("Accept: text/event-stream")]
    Task<HttpResponseMessage> StreamAsync([Body] OpenAiWire.ChatRequest request, CancellationToken cancellationToken = default);

    /// <summary>Embeddings for a batch of texts.</summary>
    [Post("/embeddings")]
    Task<IApiResponse<OpenAiWire.EmbeddingResponse>> EmbedAsync([Body] OpenAiWire.EmbeddingRequest request, CancellationToken cancellationToken = default);
}

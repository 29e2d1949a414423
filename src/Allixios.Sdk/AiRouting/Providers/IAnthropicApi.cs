using Refit;

namespace Allixios.AiRouting.Providers;

/// <summary>Anthropic's Messages API, as Refit declares it. Use <see cref="AnthropicChatClient"/> in code.</summary>
public interface IAnthropicApi
{
    /// <summary>One message.</summary>
    [Post("/messages")]
    Task<IApiResponse<AnthropicWire.MessagesResponse>> CreateAsync([Body] AnthropicWire.MessagesRequest request, CancellationToken cancellationToken = default);

    /// <summary>A streamed message: the response's body is the server-sent event stream.</summary>
    [Post("/messages")]
    [Headers("Accept: text/event-stream")]
    Task<HttpResponseMessage> StreamAsync([Body] AnthropicWire.MessagesRequest request, CancellationToken cancellationToken = default);
}

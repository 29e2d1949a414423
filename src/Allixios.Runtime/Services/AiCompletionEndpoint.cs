using System.Buffers;
using Allixios.AiRouting;
using Allixios.AiRouting.Caching;
using Allixios.IO;
using Allixios.Runtime.Contracts.V1;
using Allixios.Runtime.Errors;
using Allixios.Runtime.Security;
using Allixios.Tenancy;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Microsoft.Extensions.ObjectPool;

namespace Allixios.Runtime.Services;

/// <summary>
/// <c>POST /v1/ai:complete</c>, the hot path of the AI API, served directly rather than through gRPC JSON transcoding:
/// the same contract (the CompleteRequest and CompleteResponse JSON), the same service code (<see cref="AiService"/>'s
/// mapping, the response cache and the router, so budgets, failover and the ledger are the same) and the same errors
/// (a google.rpc.Status answer that <see cref="ProblemDetailsMiddleware"/> turns into problem+json). Transcoding's
/// per-request machinery (a server call context, the interceptor chain, its reflection-driven JSON converters) was most
/// of the runtime's added latency. The body is read by <see cref="CompleteRequestJson"/>; one it cannot read is handed,
/// rewound, to the transcoded endpoint this one stands in front of, so unusual and malformed requests get exactly the
/// answers they always got. gRPC callers still use
/// <c>allixios.v1.Ai/Complete</c>; the OpenAPI document still describes the transcoded route.
/// </summary>
internal static class AiCompletionEndpoint
{
    public const string Route = "/v1/ai:complete";

    private const string GrpcMethod = "/allixios.v1.Ai/Complete";

    // The buffers answers are written into, kept for the next answers (Kestrel has copied the bytes once the write returns).
    private static readonly ObjectPool<ArrayBufferWriter<byte>> AnswerBuffers = new DefaultObjectPool<ArrayBufferWriter<byte>>(new AnswerBufferPolicy());

    /// <summary>Maps the endpoint ahead of (lower order than) the transcoded route of the same path.</summary>
    public static void Map(WebApplication app)
    {
        // What the endpoint uses are singletons, taken once here: resolving them from RequestServices would open (and
        // at the end dispose) the request's service scope on every call, for the same instances.
        var chat = app.Services.GetRequiredService<AiCachingChatClient>();
        var authenticator = app.Services.GetRequiredService<ApiKeyAuthenticator>();
        var transcoded = new Lazy<RequestDelegate>(() => Transcoded(app.Services.GetRequiredService<EndpointDataSource>()));
        app.MapPost(Route, (RequestDelegate)(http => HandleAsync(http, chat, authenticator, transcoded))).WithOrder(-1).ExcludeFromDescription();
    }

    private static async Task HandleAsync(HttpContext http, AiCachingChatClient chat, ApiKeyAuthenticator authenticator, Lazy<RequestDelegate> transcoded)
    {
        var request = await TryReadAsync(http);
        if (request is null)
        {
            await transcoded.Value(http);
            return;
        }

        try
        {
            await ApiKeyInterceptor.EnsureAuthenticatedAsync(http, authenticator);
            var caller = Caller.From(http);
            caller.Require(ApiScopes.AiWrite);
            var (messages, options) = AiService.ToChat(request, caller);
            var response = await chat.GetResponseAsync(messages, options, http.RequestAborted);
            // Written whole with its length, so the answer goes out in one piece rather than chunked.
            var body = AnswerBuffers.Get();
            try
            {
                CompleteResponseJson.Write(AiService.ToCompleteResponse(response), body);
                http.Response.ContentType = "application/json; charset=utf-8";
                http.Response.ContentLength = body.WrittenCount;
                await http.Response.Body.WriteAsync(body.WrittenMemory, http.RequestAborted);
            }
            finally
            {
                AnswerBuffers.Return(body);
            }
        }
        catch (AllixiosException e)
        {
            await RpcStatusResponse.WriteAsync(http, ErrorMapping.ToRpcException(e, http).Status);
        }
        catch (AiProviderException e)
        {
            await RpcStatusResponse.WriteAsync(http, AiService.ToRpcException(e, http).Status);
        }
        catch (RpcException e)
        {
            await RpcStatusResponse.WriteAsync(http, e.Status);
        }
    }

    /// <summary>
    /// Whether <paramref name="request"/> is one for this endpoint, which reads its body whole itself: ProblemDetailsMiddleware
    /// need not buffer it (see <see cref="TryReadAsync"/>).
    /// </summary>
    public static bool ReadsBodyOf(HttpRequest request) => HttpMethods.IsPost(request.Method) && request.Path.Equals(Route, StringComparison.Ordinal);

    /// <summary>
    /// The request, or <see langword="null"/> when this endpoint cannot read it: then the body it read is put back as
    /// a stream of those bytes, for transcoding to read and ProblemDetailsMiddleware to explain.
    /// </summary>
    private static async ValueTask<CompleteRequest?> TryReadAsync(HttpContext http)
    {
        // Other content goes to transcoding unread.
        if (!http.Request.HasJsonContentType())
        {
            return null;
        }

        var (buffer, filled) = await PooledReads.ReadToEndAsync(http.Request.Body, http.Request.ContentLength, http.RequestAborted);
        try
        {
            if (CompleteRequestJson.TryParse(buffer.AsSpan(0, filled), out var request))
            {
                return request;
            }

            http.Request.Body = new MemoryStream(buffer.AsSpan(0, filled).ToArray(), writable: false);
            return null;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The transcoded endpoint this one stands in front of (found once the endpoints are all mapped).</summary>
    private static RequestDelegate Transcoded(EndpointDataSource endpoints) => endpoints.Endpoints
        .OfType<RouteEndpoint>()
        .FirstOrDefault(e => e.Metadata.GetMetadata<GrpcMethodMetadata>()?.Method.FullName == GrpcMethod && e.RoutePattern.RawText?.TrimStart('/') == Route.TrimStart('/'))
        ?.RequestDelegate
        ?? throw new InvalidOperationException($"The transcoded endpoint of {GrpcMethod} at {Route} is not mapped.");

    private sealed class AnswerBufferPolicy : PooledObjectPolicy<ArrayBufferWriter<byte>>
    {
        // Most answers are a few KB; one that grew a buffer past this one-off size lets it go rather than keep it.
        private const int MaxKeptCapacity = 64 * 1024;

        public override ArrayBufferWriter<byte> Create() => new(4096);

        public override bool Return(ArrayBufferWriter<byte> buffer)
        {
            buffer.ResetWrittenCount();
            return buffer.Capacity <= MaxKeptCapacity;
        }
    }
}

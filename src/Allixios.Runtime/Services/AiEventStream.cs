using Allixios.AiRouting;
using Allixios.AiRouting.Caching;
using Allixios.Runtime.Contracts.V1;
using Allixios.Runtime.Errors;
using Allixios.Runtime.Security;
using Allixios.Tenancy;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.AI;

namespace Allixios.Runtime.Services;

/// <summary>
/// <c>POST /v1/ai/completions:sse</c>: a streamed completion as Server-Sent Events, one <c>data:</c> line of
/// CompleteChunk JSON per chunk, the last carrying the usage. Everything that can fail before the first token (bad input,
/// every provider failing) is still a problem+json answer, since the router reads up to the first token before the
/// stream starts; a stream cut after it ends with an <c>event: error</c>.
/// </summary>
internal static class AiEventStream
{
    public const string Route = "/v1/ai/completions:sse";

    private static readonly JsonFormatter SseJson = new(JsonFormatter.Settings.Default.WithFormatDefaultValues(true));
    private static readonly JsonParser Parser = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(false));

    public static async Task HandleAsync(HttpContext http, AiCachingChatClient chat)
    {
        IAsyncEnumerator<ChatResponseUpdate> updates;
        try
        {
            await ApiKeyInterceptor.EnsureAuthenticatedAsync(http);
            var caller = Caller.From(http);
            caller.Require(ApiScopes.AiWrite);
            CompleteRequest request;
            try
            {
                using var reader = new StreamReader(http.Request.Body);
                request = Parser.Parse<CompleteRequest>(await reader.ReadToEndAsync(http.RequestAborted));
            }
            catch (InvalidProtocolBufferException e)
            {
                throw new AllixiosException(AllixiosErrorKind.InvalidArgument, "invalid_json", $"The body is not a CompleteRequest: {e.Message}");
            }

            var (messages, options) = AiService.ToChat(request, caller);
            updates = chat.GetStreamingResponseAsync(messages, options, http.RequestAborted).GetAsyncEnumerator(http.RequestAborted);
            if (!await updates.MoveNextAsync())
            {
                return;
            }
        }
        catch (AllixiosException e)
        {
            await RpcStatusResponse.WriteAsync(http, ErrorMapping.ToRpcException(e, http).Status);
            return;
        }
        catch (AiProviderException e)
        {
            await RpcStatusResponse.WriteAsync(http, AiService.ToRpcException(e, http).Status);
            return;
        }
        catch (RpcException e)
        {
            await RpcStatusResponse.WriteAsync(http, e.Status);
            return;
        }

        await using (updates)
        {
            http.Response.ContentType = "text/event-stream";
            http.Response.Headers.CacheControl = "no-cache";
            try
            {
                do
                {
                    var update = updates.Current;
                    var report = update.GetUsageReport();
                    if (report is null && update.Text.Length == 0 && update.FinishReason is null)
                    {
                        continue;
                    }

                    var chunk = new CompleteChunk { Text = update.Text, FinishReason = update.FinishReason?.Value ?? "", Usage = AiService.ToUsage(report), CacheHit = AiService.ToCacheHit(update.AdditionalProperties) };
                    await http.Response.WriteAsync($"data: {SseJson.Format(chunk)}\n\n", http.RequestAborted);
                    await http.Response.Body.FlushAsync(http.RequestAborted);
                }
                while (await updates.MoveNextAsync());
            }
            catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
            {
                // The client went away; there is no one to tell.
            }
            catch (AiProviderException e)
            {
                // Part of the answer was sent, so the status line is gone: the error travels as a last event.
                var status = AiService.ToRpcException(e, http).Status;
                await http.Response.WriteAsync($"event: error\ndata: {System.Text.Json.JsonSerializer.Serialize(new { code = (int)status.StatusCode, message = status.Detail })}\n\n", http.RequestAborted);
            }
        }
    }
}

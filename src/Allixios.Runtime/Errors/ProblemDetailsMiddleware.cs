using System.Text.Json;
using Allixios.Runtime.Services;
using Microsoft.AspNetCore.Http.Features;
using BadHttpRequestException = Microsoft.AspNetCore.Http.BadHttpRequestException;

namespace Allixios.Runtime.Errors;

/// <summary>
/// Makes every HTTP error an <c>application/problem+json</c> body with a stable <c>type</c>: the
/// <c>google.rpc.Status</c> JSON that gRPC JSON transcoding writes, empty error responses (unknown routes, wrong
/// methods), and request errors Kestrel raises (oversized bodies). Other error bodies (a 503 health report) and gRPC
/// calls, which carry a status of their own, pass untouched.
/// </summary>
internal sealed class ProblemDetailsMiddleware(RequestDelegate next, ILogger<ProblemDetailsMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (context.Request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) == true)
        {
            await next(context);
            return;
        }

        var maxBody = context.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize;
        if (context.Request.ContentLength > maxBody)
        {
            // Refuse before reading a byte of a body that announces it is too large.
            context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            await WriteProblemAsync(context, TooLarge(maxBody));
            return;
        }

        if (context.Request.HasJsonContentType() && !AiCompletionEndpoint.ReadsBodyOf(context.Request))
        {
            // Small bodies (within the limit) are kept so that a transcoding error can be explained precisely. The
            // completion endpoint reads its body whole itself and hands on what it cannot read as a seekable stream.
            context.Request.EnableBuffering();
        }

        var original = context.Response.Body;
        var capture = new ErrorCaptureStream(original, context.Response);
        context.Response.Body = capture;
        string? detail = null;
        try
        {
            await next(context);
        }
        catch (BadHttpRequestException e) when (!context.Response.HasStarted)
        {
            context.Response.StatusCode = e.StatusCode;
            detail = e.StatusCode == StatusCodes.Status413PayloadTooLarge ? TooLarge(maxBody) : e.Message;
        }
        catch (Exception e) when (!context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
        {
            logger.LogError(e, "Unhandled error on {Method} {Path}", context.Request.Method, context.Request.Path);
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            detail = "The server failed to handle the request; the error is logged with trace id " + context.TraceIdentifier + ".";
        }
        finally
        {
            context.Response.Body = original;
        }

        if (context.Response.StatusCode < 400 || context.Response.HasStarted)
        {
            return;
        }

        if (ErrorMapping.HttpStatusOf(context) is { } status)
        {
            context.Response.StatusCode = status;
        }

        if (capture.Captured is { } body)
        {
            detail ??= DetailFromRpcStatus(body.ToArray());
            if (detail is not null && detail.StartsWith("Request body too large", StringComparison.Ordinal))
            {
                // A chunked body that grew past the limit while transcoding read it.
                context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
                detail = TooLarge(maxBody);
            }
            else if (context.Response.StatusCode == StatusCodes.Status400BadRequest && ErrorMapping.ReasonOf(context) is null && context.Request.HasJsonContentType())
            {
                // Transcoding could not read the body into the request message: say where the JSON goes wrong.
                try
                {
                    (var reason, var diagnosis) = await JsonBodyDiagnosis.DiagnoseAsync(context.Request);
                    ErrorMapping.SetReason(context, reason);
                    detail = detail is null || detail == JsonBodyDiagnosis.TranscodingMessage ? diagnosis : $"{diagnosis} ({detail})";
                }
                catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
                {
                    // Transcoding gave up on the JSON before the end; reading the rest found it too large.
                    context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
                    detail = TooLarge(maxBody);
                }
            }

            if (detail is null && body.Length > 0)
            {
                // A body of its own (problem+json already, a health report): pass it on as it is.
                body.Position = 0;
                await body.CopyToAsync(original, context.RequestAborted);
                return;
            }
        }

        await WriteProblemAsync(context, detail);
    }

    private static async Task WriteProblemAsync(HttpContext context, string? detail)
    {
        var status = context.Response.StatusCode;
        var reason = ErrorMapping.ReasonOf(context) ?? ProblemTypes.ReasonForStatus(status);
        detail ??= status switch
        {
            404 => $"Nothing is served at {context.Request.Method} {context.Request.Path}: the API reference is at /docs and /openapi/v1.json.",
            405 => $"{context.Request.Method} is not allowed on {context.Request.Path}: the API reference is at /docs.",
            _ => ProblemTypes.TitleFor(reason) + ".",
        };

        var buffer = new MemoryStream();
        await using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("type", ProblemTypes.For(reason));
            json.WriteString("title", ProblemTypes.TitleFor(reason));
            json.WriteNumber("status", status);
            json.WriteString("detail", detail);
            json.WriteString("instance", context.Request.Path);
            json.WriteString("reason", reason);
            json.WriteString("traceId", context.TraceIdentifier);
            json.WriteEndObject();
        }

        context.Response.ContentType = "application/problem+json";
        context.Response.ContentLength = buffer.Length;
        buffer.Position = 0;
        await buffer.CopyToAsync(context.Response.Body, context.RequestAborted);
    }

    /// <summary>The message of a <c>google.rpc.Status</c> JSON body, or <see langword="null"/> when it is not one.</summary>
    private static string? DetailFromRpcStatus(byte[] body)
    {
        if (body.Length == 0)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            return root.ValueKind == JsonValueKind.Object
                && root.TryGetProperty("code", out _)
                && root.TryGetProperty("message", out var message)
                && message.ValueKind == JsonValueKind.String
                ? message.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string TooLarge(long? limit)
        => $"The request body is larger than this server accepts ({limit} bytes): send less, or raise Allixios:Runtime:MaxRequestBodyBytes.";
}

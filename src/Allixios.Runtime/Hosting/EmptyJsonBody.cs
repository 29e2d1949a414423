using Microsoft.AspNetCore.Http.Features;

namespace Allixios.Runtime.Hosting;

/// <summary>
/// Reads a POST, PUT or PATCH without a body as the empty JSON object, the message with no fields set, as Google's HTTP
/// transcoding conventions do for <c>body: "*"</c>. Transcoding would otherwise refuse it for its missing JSON content
/// type, which is what clients send for calls that need no fields (<c>curl -X POST …/v1/search:reindex</c>; n8n drops
/// an empty body together with its content type).
/// </summary>
internal static class EmptyJsonBody
{
    private static readonly byte[] EmptyObject = "{}"u8.ToArray();

    public static Task ApplyAsync(HttpContext context, RequestDelegate next)
    {
        var request = context.Request;
        if ((HttpMethods.IsPost(request.Method) || HttpMethods.IsPut(request.Method) || HttpMethods.IsPatch(request.Method))
            && !IsGrpc(request)
            && (request.ContentLength == 0 || context.Features.Get<IHttpRequestBodyDetectionFeature>() is { CanHaveBody: false }))
        {
            request.Body = new MemoryStream(EmptyObject, writable: false);
            request.ContentLength = EmptyObject.Length;
            request.ContentType = "application/json";
        }

        return next(context);
    }

    private static bool IsGrpc(HttpRequest request) =>
        request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) == true;
}

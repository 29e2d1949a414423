using Microsoft.AspNetCore.Grpc.JsonTranscoding;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Allixios.Runtime.Caching;

/// <summary>
/// HTTP caching headers for the GET endpoints (the L3 of the cache, a CDN or the client's own cache): a 200 JSON
/// answer of bounded size gets a strong <c>ETag</c> computed from its bytes, a conditional GET or HEAD whose
/// <c>If-None-Match</c> matches gets 304 without a body, and both get the path's or endpoint's
/// <c>Cache-Control</c>, <c>Vary</c> and the surrogate keys the handler declared (<see cref="SurrogateKeys"/>).
/// Other methods, errors, gRPC calls and Server-Sent Events pass untouched; JSON too large to hold back, and
/// transcoded server-streaming methods, keep their headers but no ETag, and reach the client as they are written.
/// </summary>
/// <remarks>
/// The ETag comes from the body the handler wrote, so the handler always runs — with its authentication and scope
/// checks — and a 304 only ever saves the bytes of an answer this caller was allowed to have. It costs the work of
/// the answer, not its transfer; the L1/L2 cache is what saves the work.
/// </remarks>
internal sealed class HttpCachingMiddleware(RequestDelegate next, IOptions<HttpCachingOptions> options)
{
    private const string VaryByApiKey = "Authorization, X-Api-Key";

    public Task InvokeAsync(HttpContext context)
    {
        var method = context.Request.Method;
        // If-None-Match on other methods is a precondition for changing state, which no endpoint here offers. They
        // pass straight through: no async layer, nor the closures the cached path makes, on every POST.
        return HttpMethods.IsGet(method) || HttpMethods.IsHead(method) ? CacheAsync(context) : next(context);
    }

    private async Task CacheAsync(HttpContext context)
    {
        var request = context.Request;
        var isHead = HttpMethods.IsHead(request.Method);
        var pathPolicy = options.Value.PolicyFor(request.Path);
        if (isHead && pathPolicy is not null)
        {
            // Routes are declared for GET only: answer HEAD by running the GET and holding its body back.
            request.Method = HttpMethods.Get;
        }

        var keys = new SurrogateKeys();
        context.Features.Set(keys);
        var original = context.Response.Body;
        HttpCachePolicy? policy = null;
        var body = new CacheableResponseStream(
            original,
            options.Value.MaxBufferedBytes,
            () => Decide(context, pathPolicy, out policy),
            () => WriteCachingHeaders(context.Response, policy!, keys, entityTag: null));
        context.Response.Body = body;
        try
        {
            await next(context);
            if (!context.Response.HasStarted)
            {
                body.DecideIfUndecided();
            }
        }
        finally
        {
            context.Response.Body = original;
            context.Features.Set<SurrogateKeys>(null);
            if (isHead)
            {
                request.Method = HttpMethods.Head;
            }
        }

        if (body.Buffered is not { } buffered)
        {
            return;
        }

        var entityTag = EntityTags.Compute(buffered.GetBuffer().AsSpan(0, (int)buffered.Length));
        var response = context.Response;
        WriteCachingHeaders(response, policy!, keys, entityTag);
        if (IfNoneMatch.Matches(request.Headers.IfNoneMatch, entityTag))
        {
            // RFC 9110 §15.4.5: a 304 repeats the validator and caching headers, and carries no content.
            response.StatusCode = StatusCodes.Status304NotModified;
            response.ContentLength = null;
            response.Headers.ContentType = default;
            return;
        }

        response.ContentLength = buffered.Length;
        if (!isHead)
        {
            buffered.Position = 0;
            await buffered.CopyToAsync(original, context.RequestAborted);
        }
    }

    private CacheableResponseStream.Treatment Decide(HttpContext context, HttpCachePolicy? pathPolicy, out HttpCachePolicy? policy)
    {
        var endpoint = context.GetEndpoint();
        policy = endpoint?.Metadata.GetMetadata<HttpCachePolicy>() ?? pathPolicy;
        var response = context.Response;
        if (policy is null
            || response.StatusCode != StatusCodes.Status200OK
            || response.HasStarted
            || context.Request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) == true
            || !IsJson(response.ContentType))
        {
            // Errors (problem+json, google.rpc.Status) are ProblemDetailsMiddleware's; text/event-stream and any
            // other content type is not something this middleware knows how to validate.
            return CacheableResponseStream.Treatment.Untouched;
        }

        // A transcoded server-streaming method writes one JSON message after another, each flushed to the client.
        var streams = endpoint?.Metadata.GetMetadata<GrpcJsonTranscodingMetadata>()?.MethodDescriptor.IsServerStreaming == true;
        return streams || response.ContentLength > options.Value.MaxBufferedBytes
            ? CacheableResponseStream.Treatment.PassThrough
            : CacheableResponseStream.Treatment.Buffer;
    }

    private static bool IsJson(string? contentType)
        => MediaTypeHeaderValue.TryParse(contentType, out var mediaType)
            && (mediaType.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
                || mediaType.Suffix.Equals("json", StringComparison.OrdinalIgnoreCase))
            && !mediaType.SubTypeWithoutSuffix.Equals("problem", StringComparison.OrdinalIgnoreCase);

    private static void WriteCachingHeaders(HttpResponse response, HttpCachePolicy policy, SurrogateKeys keys, string? entityTag)
    {
        var headers = response.Headers;
        if (entityTag is not null)
        {
            headers.ETag = entityTag;
        }

        headers.CacheControl = policy.CacheControl;
        if (policy.VaryByApiKey)
        {
            headers.Append(HeaderNames.Vary, VaryByApiKey);
        }

        if (keys.Tags.Count > 0)
        {
            headers["Surrogate-Key"] = keys.ToSurrogateKeyHeader();
            headers["Cache-Tag"] = keys.ToCacheTagHeader();
        }
    }
}

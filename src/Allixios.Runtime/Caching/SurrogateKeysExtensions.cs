using Grpc.Core;

namespace Allixios.Runtime.Caching;

/// <summary>How handlers tag the response they are answering, for a CDN (see <see cref="SurrogateKeys"/>).</summary>
internal static class SurrogateKeysExtensions
{
    /// <summary>
    /// Tags the HTTP response of this call. The <see cref="HttpCachingMiddleware"/> collects tags only for the GET
    /// requests it sends caching headers for; anywhere else (a gRPC call, a POST) this does nothing, so a handler
    /// serving both protocols can call it unconditionally.
    /// </summary>
    public static void AddSurrogateKeys(this HttpContext context, params ReadOnlySpan<string> tags)
    {
        if (context.Features.Get<SurrogateKeys>() is not { } keys)
        {
            return;
        }

        foreach (var tag in tags)
        {
            keys.Add(tag);
        }
    }

    /// <inheritdoc cref="AddSurrogateKeys(HttpContext, ReadOnlySpan{string})"/>
    public static void AddSurrogateKeys(this ServerCallContext context, params ReadOnlySpan<string> tags)
        => context.GetHttpContext().AddSurrogateKeys(tags);
}

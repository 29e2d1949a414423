namespace Allixios.Runtime.Caching;

/// <summary>
/// How caches may keep the GET responses of an endpoint or a path: the <c>Cache-Control</c> value, and whether the
/// response varies by API key. Attach it to an endpoint as metadata (<c>.WithMetadata(policy)</c>) or name it for a
/// path prefix in <see cref="HttpCachingOptions.Paths"/>; endpoint metadata wins.
/// </summary>
internal sealed class HttpCachePolicy
{
    /// <summary>
    /// The default for the API: each answer belongs to the API key it was made with. <c>private</c> keeps it out of
    /// shared caches (a CDN, a corporate proxy), which would otherwise serve one tenant's answer to another unless
    /// they key the cache on the <c>Authorization</c> / <c>X-Api-Key</c> headers; <c>no-cache</c> lets a client keep
    /// it but makes it revalidate every time, which costs a 304 and no body when nothing changed.
    /// </summary>
    /// <remarks>A new instance each time: configuration binds onto the default policies in place.</remarks>
    public static HttpCachePolicy PerApiKey => new() { CacheControl = "private, no-cache", VaryByApiKey = true };

    /// <summary>The <c>Cache-Control</c> value sent on 200 and 304 answers, e.g. <c>public, max-age=300</c>.</summary>
    public string CacheControl { get; init; } = "private, no-cache";

    /// <summary>
    /// Whether to send <c>Vary: Authorization, X-Api-Key</c>: true for anything answered per API key, so that a cache
    /// that does keep it (a CDN configured to, under a <c>public</c> policy) keys it on the key that asked.
    /// </summary>
    public bool VaryByApiKey { get; init; }

    /// <summary>A policy for anonymous documents that any cache may keep for <paramref name="maxAge"/>.</summary>
    public static HttpCachePolicy Public(TimeSpan maxAge) => new() { CacheControl = $"public, max-age={(long)maxAge.TotalSeconds}" };
}

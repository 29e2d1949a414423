using System.ComponentModel.DataAnnotations;

namespace Allixios.Runtime.Caching;

/// <summary>Options of the runtime's HTTP caching headers, bound from <c>Allixios:Runtime:HttpCaching</c>.</summary>
internal sealed class HttpCachingOptions
{
    public const string SectionName = "Allixios:Runtime:HttpCaching";

    /// <summary>
    /// The largest JSON body held back to compute its ETag, in bytes. Default 1 MiB; 1 KiB to 64 MiB. A larger body
    /// is passed through as it is written, with its <c>Cache-Control</c> but without an ETag.
    /// </summary>
    [Range(1024, 64 * 1024 * 1024)]
    public int MaxBufferedBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// The policy of each path prefix whose GET responses get caching headers; the longest matching prefix applies.
    /// Default: <c>/v1</c> (the API, per API key: <see cref="HttpCachePolicy.PerApiKey"/>) and <c>/openapi</c> (the
    /// anonymous OpenAPI document: <c>public, max-age=300</c>). Paths outside every prefix pass untouched unless
    /// their endpoint carries an <see cref="HttpCachePolicy"/>.
    /// </summary>
    public Dictionary<string, HttpCachePolicy> Paths { get; } = new(StringComparer.OrdinalIgnoreCase)
    {
        ["/v1"] = HttpCachePolicy.PerApiKey,
        ["/openapi"] = HttpCachePolicy.Public(TimeSpan.FromMinutes(5)),
    };

    /// <summary>The policy of the longest prefix of <paramref name="path"/> in <see cref="Paths"/>, if any.</summary>
    public HttpCachePolicy? PolicyFor(PathString path)
    {
        HttpCachePolicy? found = null;
        var foundLength = -1;
        foreach (var (prefix, policy) in Paths)
        {
            if (prefix.Length > foundLength && path.StartsWithSegments(prefix, StringComparison.OrdinalIgnoreCase))
            {
                found = policy;
                foundLength = prefix.Length;
            }
        }

        return found;
    }
}

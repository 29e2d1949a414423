namespace Allixios.Runtime.Caching;

/// <summary>
/// The surrogate keys (cache tags) of one response: what a CDN files the cached answer under, so that a purge of
/// one key (<c>tenant:acme</c>) drops every cached answer that depends on it. Sent both as Fastly's
/// <c>Surrogate-Key</c> (space-separated) and Cloudflare's <c>Cache-Tag</c> (comma-separated), so each tag may hold
/// neither a space nor a comma.
/// </summary>
internal sealed class SurrogateKeys
{
    /// <summary>The longest tag, in characters; within what Fastly (1 KiB a key) and Cloudflare (1 KiB a tag) accept.</summary>
    public const int MaxTagLength = 256;

    /// <summary>The longest header of all tags; Fastly and Cloudflare both stop reading at 16 KiB.</summary>
    public const int MaxHeaderLength = 16 * 1024;

    private readonly List<string> _tags = [];
    private int _headerLength;

    public IReadOnlyList<string> Tags => _tags;

    /// <summary>Adds a tag; a repeated one is sent once.</summary>
    /// <exception cref="ArgumentException">The tag is empty, too long, or holds a character a CDN would split it at.</exception>
    /// <exception cref="InvalidOperationException">The tags would no longer fit the CDNs' header limit.</exception>
    public void Add(string tag)
    {
        ArgumentNullException.ThrowIfNull(tag);
        if (tag.Length is 0 or > MaxTagLength || !tag.All(IsTagChar))
        {
            throw new ArgumentException(
                $"'{tag}' is not a valid surrogate key: use 1 to {MaxTagLength} visible ASCII characters other than commas and quotes, e.g. 'tenant:acme'.",
                nameof(tag));
        }

        if (_tags.Contains(tag, StringComparer.Ordinal))
        {
            return;
        }

        // A CDN that silently drops tags past its limit would keep answers that a purge is meant to drop: refuse instead.
        if (_headerLength + tag.Length + 1 > MaxHeaderLength)
        {
            throw new InvalidOperationException($"The surrogate keys of this response would exceed {MaxHeaderLength} characters: tag a collection, not each item in it.");
        }

        _tags.Add(tag);
        _headerLength += tag.Length + 1;
    }

    /// <summary>The <c>Surrogate-Key</c> value (Fastly).</summary>
    public string ToSurrogateKeyHeader() => string.Join(' ', _tags);

    /// <summary>The <c>Cache-Tag</c> value (Cloudflare).</summary>
    public string ToCacheTagHeader() => string.Join(',', _tags);

    private static bool IsTagChar(char c) => c is > ' ' and < '\x7f' and not ',' and not '"';
}

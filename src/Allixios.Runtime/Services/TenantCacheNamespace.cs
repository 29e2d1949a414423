using Allixios.Caching;

namespace Allixios.Runtime.Services;

/// <summary>
/// Keeps each tenant's cache keys and tags apart: the runtime's cache API prefixes every key and tag a caller names
/// with the caller's tenant, so one tenant can neither read nor invalidate another's entries.
/// </summary>
internal sealed class TenantCacheNamespace(string tenantId, int maxKeyLength)
{
    private readonly string _prefix = $"tenant:{tenantId}:";

    public string Key(string key)
    {
        if (string.IsNullOrWhiteSpace(key))
        {
            throw new AllixiosException(AllixiosErrorKind.InvalidArgument, "cache_key_empty", "The cache key is empty: name the entry, e.g. 'page:home'.");
        }

        var room = maxKeyLength - _prefix.Length;
        if (key.Length > room)
        {
            throw new AllixiosException(AllixiosErrorKind.InvalidArgument, "cache_key_too_long", $"The cache key is {key.Length} characters; keys of tenant '{tenantId}' may have at most {room}.");
        }

        return _prefix + key;
    }

    public string Tag(string tag) => string.IsNullOrWhiteSpace(tag)
        ? throw new AllixiosException(AllixiosErrorKind.InvalidArgument, "cache_tag_invalid", "A cache tag is empty: use 1 to 128 letters, digits and - _ . : /.")
        : _prefix + tag;

    /// <summary>The same error with the tenant prefix taken out of its message, which names keys as the caller sent them.</summary>
    public AllixiosException WithoutPrefix(AllixiosException error)
        => new(error.Kind, error.Reason, error.Message.Replace(_prefix, string.Empty, StringComparison.Ordinal));

    public static TenantCacheNamespace For(string tenantId, AllixiosCacheOptions options) => new(tenantId, options.MaxKeyLength);
}

namespace Allixios.AiRouting.Caching;

/// <summary>
/// The id of one cached answer as a caller sees it: <c>e.&lt;hash&gt;</c> for an exact entry,
/// <c>s.&lt;partition&gt;.&lt;hash&gt;.&lt;expiry&gt;</c> for a semantic one (hashes are lower-case hex SHA-256; the last two
/// parts are its vector's document id, see <see cref="SemanticDocument"/>). It names no tenant: the caller's own tenant scopes it.
/// </summary>
/// <param name="Kind">Exact or semantic.</param>
/// <param name="Partition">The semantic partition's hash.</param>
/// <param name="Hash">The exact entry's hash, or the semantic entry's vector document id.</param>
internal readonly record struct AiCacheEntryId(AiCacheMode Kind, string? Partition, string Hash)
{
    public static string Exact(string hash) => "e." + hash;

    public static string Semantic(string partition, string hash) => "s." + partition + "." + hash;

    public static AiCacheEntryId Parse(string? id)
    {
        var parts = id?.Split('.') ?? [];
        if (parts.Length == 2 && parts[0] == "e" && IsHash(parts[1]))
        {
            return new AiCacheEntryId(AiCacheMode.Exact, null, parts[1]);
        }

        if (parts.Length == 4 && parts[0] == "s" && IsHash(parts[1]) && SemanticDocument.TryParse(parts[2] + "." + parts[3], out _))
        {
            return new AiCacheEntryId(AiCacheMode.Semantic, parts[1], parts[2] + "." + parts[3]);
        }

        throw AllixiosException.Invalid("invalid_cache_entry_id", $"'{id}' is not a cache entry id; send the entryId of the cache hit the response carried (e.<hash> or s.<partition>.<hash>.<expiry>).");
    }

    internal static bool IsHash(string text)
    {
        if (text.Length != 64)
        {
            return false;
        }

        foreach (var c in text)
        {
            if (!char.IsAsciiHexDigitLower(c) && !char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}

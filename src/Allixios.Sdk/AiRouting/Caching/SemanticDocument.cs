using System.Globalization;

namespace Allixios.AiRouting.Caching;

/// <summary>
/// A semantic entry's vector document id: <c>&lt;hash&gt;.&lt;expiry&gt;</c>, the call's hash and when its answer expires
/// (Unix seconds). A node that finds the vector but not the answer can tell an expired entry (its vector is removed)
/// from one another node still holds in memory (left alone).
/// </summary>
internal readonly record struct SemanticDocument(string Hash, long ExpiresAt)
{
    public static string Id(string hash, long expiresAt) => hash + "." + expiresAt.ToString(CultureInfo.InvariantCulture);

    public static bool TryParse(string? id, out SemanticDocument document)
    {
        document = default;
        var dot = id?.IndexOf('.', StringComparison.Ordinal) ?? -1;
        if (dot < 0
            || !AiCacheEntryId.IsHash(id![..dot])
            || !long.TryParse(id.AsSpan(dot + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var expiresAt))
        {
            return false;
        }

        document = new SemanticDocument(id[..dot], expiresAt);
        return true;
    }
}

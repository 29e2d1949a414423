namespace Allixios.Search;

/// <summary>
/// pg_trgm's similarity, computed the same way in .NET: words are runs of letters and digits, lower-cased and padded
/// with two spaces before and one after; similarity is shared trigrams over all distinct trigrams, as a float4.
/// The in-memory index uses it so that typo tolerance picks the same candidates as <c>term % query</c> in PostgreSQL.
/// </summary>
internal static class TrigramSimilarity
{
    /// <summary>pg_trgm's default <c>similarity_threshold</c>, which the <c>%</c> operator uses.</summary>
    public const double Threshold = 0.3;

    public static HashSet<string> Trigrams(string text)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        var start = -1;
        for (var i = 0; i <= text.Length; i++)
        {
            var isWordChar = i < text.Length && char.IsLetterOrDigit(text[i]);
            if (isWordChar && start < 0)
            {
                start = i;
            }
            else if (!isWordChar && start >= 0)
            {
                var padded = "  " + text[start..i].ToLowerInvariant() + " ";
                for (var j = 0; j + 3 <= padded.Length; j++)
                {
                    set.Add(padded.Substring(j, 3));
                }

                start = -1;
            }
        }

        return set;
    }

    public static float Similarity(HashSet<string> a, HashSet<string> b)
    {
        if (a.Count == 0 || b.Count == 0)
        {
            return 0f;
        }

        var shared = a.Count(b.Contains);
        return shared / (float)(a.Count + b.Count - shared);
    }

    public static bool IsSimilar(HashSet<string> a, HashSet<string> b) => Similarity(a, b) >= Threshold;
}

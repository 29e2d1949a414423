using System.Text;

namespace Allixios.Search.Analytics;

/// <summary>How query texts are grouped in reports and result-cache keys.</summary>
public static class SearchQueryText
{
    /// <summary>
    /// <paramref name="text"/> trimmed, each run of white space made one space, lower-cased (invariant): "Wing  Flow"
    /// and "wing flow" are one query. The analyzer lower-cases and splits on white space too, so both find the same hits.
    /// </summary>
    public static string Normalize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var normalized = new StringBuilder(text.Length);
        foreach (var word in text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            if (normalized.Length > 0)
            {
                normalized.Append(' ');
            }

            normalized.Append(word.ToLowerInvariant());
        }

        return normalized.ToString();
    }
}

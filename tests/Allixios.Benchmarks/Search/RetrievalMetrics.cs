namespace Allixios.Benchmarks.Search;

/// <summary>The retrieval measures of the Cranfield protocol.</summary>
internal static class RetrievalMetrics
{
    /// <summary>nDCG@k with gain 2^g − 1 and a log2(rank + 1) discount; 0 when nothing is relevant.</summary>
    public static double NdcgAt(IReadOnlyList<string> ranked, IReadOnlyDictionary<string, int> gains, int k)
    {
        var dcg = ranked.Take(k).Select((id, i) => (Math.Pow(2, gains.GetValueOrDefault(id)) - 1) / Math.Log2(i + 2)).Sum();
        var ideal = gains.Values.OrderDescending().Take(k).Select((g, i) => (Math.Pow(2, g) - 1) / Math.Log2(i + 2)).Sum();
        return ideal == 0 ? 0 : dcg / ideal;
    }

    /// <summary>The share of relevant documents found in the top <paramref name="k"/>; 0 when nothing is relevant.</summary>
    public static double RecallAt(IReadOnlyList<string> ranked, IReadOnlyDictionary<string, int> gains, int k)
        => gains.Count == 0 ? 0 : (double)ranked.Take(k).Count(gains.ContainsKey) / gains.Count;

    /// <summary>The value below which <paramref name="percent"/> % of <paramref name="values"/> lie (nearest rank).</summary>
    public static double Percentile(IReadOnlyList<double> values, double percent)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(percent / 100 * sorted.Count) - 1, 0, sorted.Count - 1)];
    }
}

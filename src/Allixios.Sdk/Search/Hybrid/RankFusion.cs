namespace Allixios.Search.Hybrid;

/// <summary>
/// Merges ranked lists from different rankers (BM25, vector similarity) into one. Pure functions: no I/O, the same
/// input always gives the same order (ties broken by id, ordinal).
/// </summary>
public static class RankFusion
{
    /// <summary>The usual reciprocal-rank-fusion constant (Cormack et al., 2009).</summary>
    public const int DefaultRrfK = 60;

    /// <summary>
    /// Reciprocal rank fusion: a document scores Σ weightᵢ / (k + rankᵢ) over the lists it appears in (rank from 1).
    /// Only ranks matter, so scores on different scales need no calibration.
    /// </summary>
    /// <param name="lists">Ranked lists, best first.</param>
    /// <param name="k">Damps the influence of top ranks. Default: 60. Must be 0 or more.</param>
    /// <param name="weights">One weight per list (0 or more); all 1 when <see langword="null"/>.</param>
    public static IReadOnlyList<RankedItem> ReciprocalRank(IReadOnlyList<IReadOnlyList<RankedItem>> lists, int k = DefaultRrfK, IReadOnlyList<double>? weights = null)
    {
        ArgumentNullException.ThrowIfNull(lists);
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        var w = CheckWeights(lists, weights);
        var scores = new Dictionary<string, double>(StringComparer.Ordinal);
        for (var l = 0; l < lists.Count; l++)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var rank = 0; rank < lists[l].Count; rank++)
            {
                var id = lists[l][rank].Id;
                if (seen.Add(id))
                {
                    scores[id] = scores.GetValueOrDefault(id) + (w[l] / (k + rank + 1));
                }
            }
        }

        return Ordered(scores);
    }

    /// <summary>
    /// Weighted score fusion: each list's scores are min-max normalised to [0, 1] (all equal → 1), then a document
    /// scores Σ weightᵢ · normalisedᵢ over the lists it appears in. Keeps how far apart scores are, unlike RRF.
    /// </summary>
    /// <param name="lists">Ranked lists with their scores.</param>
    /// <param name="weights">One weight per list (0 or more), e.g. 0.3 lexical and 0.7 semantic; all 1 when <see langword="null"/>.</param>
    public static IReadOnlyList<RankedItem> WeightedScores(IReadOnlyList<IReadOnlyList<RankedItem>> lists, IReadOnlyList<double>? weights = null)
    {
        ArgumentNullException.ThrowIfNull(lists);
        var w = CheckWeights(lists, weights);
        var scores = new Dictionary<string, double>(StringComparer.Ordinal);
        for (var l = 0; l < lists.Count; l++)
        {
            if (lists[l].Count == 0)
            {
                continue;
            }

            var min = lists[l].Min(i => i.Score);
            var max = lists[l].Max(i => i.Score);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var item in lists[l])
            {
                if (double.IsNaN(item.Score))
                {
                    throw new ArgumentException($"List {l} holds a NaN score for '{item.Id}'.", nameof(lists));
                }

                if (seen.Add(item.Id))
                {
                    var normalised = max > min ? (item.Score - min) / (max - min) : 1.0;
                    scores[item.Id] = scores.GetValueOrDefault(item.Id) + (w[l] * normalised);
                }
            }
        }

        return Ordered(scores);
    }

    private static double[] CheckWeights(IReadOnlyList<IReadOnlyList<RankedItem>> lists, IReadOnlyList<double>? weights)
    {
        if (weights is null)
        {
            return Enumerable.Repeat(1.0, lists.Count).ToArray();
        }

        if (weights.Count != lists.Count)
        {
            throw new ArgumentException($"Give one weight per list: {lists.Count} lists, {weights.Count} weights.", nameof(weights));
        }

        if (weights.Any(x => !(x >= 0) || double.IsInfinity(x)))
        {
            throw new ArgumentException("Weights must be finite and 0 or more.", nameof(weights));
        }

        return weights.ToArray();
    }

    private static List<RankedItem> Ordered(Dictionary<string, double> scores)
        => scores.Select(s => new RankedItem(s.Key, s.Value))
            .OrderByDescending(i => i.Score).ThenBy(i => i.Id, StringComparer.Ordinal)
            .ToList();
}

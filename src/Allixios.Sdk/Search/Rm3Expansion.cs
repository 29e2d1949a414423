namespace Allixios.Search;

/// <summary>
/// RM3 query expansion, computed the same way for every store from the first pass's hits and their term vectors, so the
/// in-memory and PostgreSQL indexes expand a query to the same weights. A feedback document counts in proportion to
/// exp(score − best score), the softmax of its BM25 score (standing in for the query likelihood of the original RM1);
/// a term's relevance is Σ P(D) · tf / |D|. The best <see cref="QueryFeedback.ExpansionTerms"/> terms are normalised to
/// sum to 1, the original weights likewise, and the two are mixed by <see cref="QueryFeedback.OriginalQueryWeight"/>.
/// The mix is scaled back to the original weights' total so scores keep the size of an unexpanded query's.
/// </summary>
internal static class Rm3Expansion
{
    public static ResolvedQuery Expand(
        ResolvedQuery query, IReadOnlyList<(string Id, double Score)> feedback, IReadOnlyDictionary<string, DocumentTermVector> vectors, QueryFeedback settings)
    {
        if (feedback.Count == 0)
        {
            return query;
        }

        var best = feedback[0].Score;
        var total = feedback.Sum(f => Math.Exp(f.Score - best));
        var relevance = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (id, score) in feedback)
        {
            if (!vectors.TryGetValue(id, out var vector) || vector.Length == 0)
            {
                continue;
            }

            var probability = Math.Exp(score - best) / total;
            foreach (var (term, frequency) in vector.Terms)
            {
                relevance[term] = relevance.GetValueOrDefault(term) + (probability * frequency / vector.Length);
            }
        }

        var expansion = relevance
            .OrderByDescending(r => r.Value).ThenBy(r => r.Key, StringComparer.Ordinal)
            .Take(settings.ExpansionTerms)
            .ToList();
        var expansionTotal = expansion.Sum(e => e.Value);
        var originalTotal = query.Weights.Values.Sum();
        if (expansionTotal <= 0 || originalTotal <= 0)
        {
            return query;
        }

        var weights = new SortedDictionary<string, double>(StringComparer.Ordinal);
        foreach (var (term, weight) in query.Weights)
        {
            weights[term] = settings.OriginalQueryWeight * weight / originalTotal;
        }

        foreach (var (term, value) in expansion)
        {
            weights[term] = weights.GetValueOrDefault(term) + ((1 - settings.OriginalQueryWeight) * value / expansionTotal);
        }

        foreach (var term in weights.Keys.ToList())
        {
            weights[term] *= originalTotal;
        }

        // A term weighted 0 (an original weight of 0, say) would still widen the matches without adding to any score.
        foreach (var term in weights.Where(w => w.Value <= 0).Select(w => w.Key).ToList())
        {
            weights.Remove(term);
        }

        return query with { Weights = weights };
    }
}

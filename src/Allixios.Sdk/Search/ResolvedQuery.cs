namespace Allixios.Search;

/// <summary>
/// A query ready to score: each term with its weight (how often the query names it, prefix completions and typo
/// corrections included), the phrases every hit must contain, and what was widened.
/// </summary>
internal sealed record ResolvedQuery(
    IReadOnlyDictionary<string, double> Weights,
    IReadOnlyList<IReadOnlyList<PhraseTerm>> Phrases,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Expansions)
{
    private const int MinTypoLength = 4;

    public static async ValueTask<ResolvedQuery> ResolveAsync(
        LexicalQuery query, ISearchVocabulary vocabulary, string tenantId, SearchQuery request, SearchOptions options, CancellationToken cancellationToken)
    {
        var weights = new SortedDictionary<string, double>(StringComparer.Ordinal);
        var expansions = new SortedDictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var term in query.Terms.Concat(query.Phrases.SelectMany(p => p.Select(t => t.Term))))
        {
            weights[term] = weights.GetValueOrDefault(term) + 1;
        }

        if (request.TypoTolerance && query.Terms.Count > 0)
        {
            var plain = query.Terms.Distinct(StringComparer.Ordinal).ToList();
            var known = await vocabulary.DocumentFrequenciesAsync(tenantId, plain, cancellationToken);
            var phraseTerms = query.Phrases.SelectMany(p => p.Select(t => t.Term)).ToHashSet(StringComparer.Ordinal);
            foreach (var term in plain.Where(t => t.Length >= MinTypoLength && !known.ContainsKey(t) && !phraseTerms.Contains(t)))
            {
                var allowed = EditDistance.AllowedFor(term.Length);
                var corrections = (await vocabulary.SimilarTermsAsync(tenantId, term, cancellationToken))
                    .Select(c => (c.Term, c.DocumentFrequency, Distance: EditDistance.Between(term, c.Term)))
                    .Where(c => c.Distance <= allowed)
                    .OrderBy(c => c.Distance).ThenByDescending(c => c.DocumentFrequency).ThenBy(c => c.Term, StringComparer.Ordinal)
                    .Take(options.MaxTypoCorrections)
                    .Select(c => c.Term)
                    .ToList();
                if (corrections.Count == 0)
                {
                    continue;
                }

                var weight = weights[term];
                weights.Remove(term);
                foreach (var correction in corrections)
                {
                    weights[correction] = weights.GetValueOrDefault(correction) + weight;
                }

                expansions[term] = corrections;
            }
        }

        foreach (var prefix in query.Prefixes)
        {
            var candidates = new Dictionary<string, int>(StringComparer.Ordinal);
            // The stem too: "aerodynamic*" should find the indexed stem "aerodynam".
            var stems = TextAnalyzer.Analyze(prefix, request.Language);
            foreach (var start in new[] { prefix }.Concat(stems.Count == 1 ? [stems[0].Term] : []).Distinct(StringComparer.Ordinal))
            {
                foreach (var found in await vocabulary.TermsWithPrefixAsync(tenantId, start, options.MaxPrefixExpansions, cancellationToken))
                {
                    candidates[found.Term] = found.DocumentFrequency;
                }
            }

            var chosen = candidates
                .OrderByDescending(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal)
                .Take(options.MaxPrefixExpansions)
                .Select(c => c.Key)
                .ToList();
            foreach (var term in chosen)
            {
                weights[term] = weights.GetValueOrDefault(term) + 1;
            }

            expansions[prefix + "*"] = chosen;
        }

        return new ResolvedQuery(weights, query.Phrases, expansions);
    }
}

namespace Allixios.Search;

/// <summary>What query resolution asks of a store's term dictionary: document frequencies, prefix completions, similar spellings, feedback documents' terms.</summary>
internal interface ISearchVocabulary
{
    /// <summary>The document frequency of each of <paramref name="terms"/> that is indexed for the tenant.</summary>
    ValueTask<IReadOnlyDictionary<string, int>> DocumentFrequenciesAsync(string tenantId, IReadOnlyCollection<string> terms, CancellationToken cancellationToken = default);

    /// <summary>Up to <paramref name="limit"/> indexed terms starting with <paramref name="prefix"/>, most frequent first, then by term (ordinal).</summary>
    ValueTask<IReadOnlyList<TermFrequency>> TermsWithPrefixAsync(string tenantId, string prefix, int limit, CancellationToken cancellationToken = default);

    /// <summary>Indexed terms whose trigram similarity to <paramref name="term"/> is at least <see cref="TrigramSimilarity.Threshold"/>.</summary>
    ValueTask<IReadOnlyList<TermFrequency>> SimilarTermsAsync(string tenantId, string term, CancellationToken cancellationToken = default);

    /// <summary>The term vectors of those of <paramref name="documentIds"/> that are indexed, terms in ordinal order (for <see cref="Rm3Expansion"/>).</summary>
    ValueTask<IReadOnlyDictionary<string, DocumentTermVector>> TermVectorsAsync(string tenantId, IReadOnlyCollection<string> documentIds, CancellationToken cancellationToken = default);
}

/// <summary>An indexed term and how many of the tenant's documents contain it.</summary>
internal readonly record struct TermFrequency(string Term, int DocumentFrequency);

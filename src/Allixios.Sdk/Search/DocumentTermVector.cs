namespace Allixios.Search;

/// <summary>A document's length (BM25's, in terms) and the frequency of each of its terms, for pseudo-relevance feedback.</summary>
internal sealed record DocumentTermVector(int Length, IReadOnlyList<(string Term, int Frequency)> Terms);

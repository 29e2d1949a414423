namespace Allixios.Search.Analytics;

/// <summary>Who interacted with a source document, and which other documents they interacted with, within a window.</summary>
/// <param name="SourceUsers">How many distinct users or sessions interacted with the source document.</param>
/// <param name="Documents">The other documents, most shared users first, then by id (ordinal).</param>
public sealed record CoOccurrences(long SourceUsers, IReadOnlyList<CoOccurrence> Documents)
{
    /// <summary>
    /// The documents ranked by the cosine similarity of their user sets with the source's:
    /// shared ÷ √(source users × its users), from 0 to 1, best first (ties: more shared users, then id). Popular documents
    /// that everybody views do not crowd out the ones specifically viewed together.
    /// </summary>
    public IReadOnlyList<(string DocumentId, double Score)> RankedByCosine()
        => Documents
            .Where(d => d.SharedUsers > 0 && d.Users > 0 && SourceUsers > 0)
            .Select(d => (d.DocumentId, Score: Math.Round(d.SharedUsers / Math.Sqrt((double)SourceUsers * d.Users), 6), d.SharedUsers))
            .OrderByDescending(d => d.Score).ThenByDescending(d => d.SharedUsers).ThenBy(d => d.DocumentId, StringComparer.Ordinal)
            .Select(d => (d.DocumentId, d.Score))
            .ToList();
}

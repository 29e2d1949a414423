namespace Allixios.Search.Hybrid;

/// <summary>A document in a ranked list, best first, with the score its ranker gave it.</summary>
/// <param name="Id">The document's id.</param>
/// <param name="Score">The ranker's score (higher is better); its scale depends on the ranker.</param>
public readonly record struct RankedItem(string Id, double Score);

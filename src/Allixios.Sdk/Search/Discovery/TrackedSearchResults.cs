using Allixios.Search.Hybrid;

namespace Allixios.Search.Discovery;

/// <summary>A query's answer with what the query log recorded about it.</summary>
/// <param name="Results">The hits, total, facets and expansions.</param>
/// <param name="QueryId">The id to quote when recording a click on one of the hits.</param>
/// <param name="Mode">The mode the query ran in (an experiment's arm may have chosen it).</param>
/// <param name="Arm">The experiment arm the searcher was assigned to, if the query named an experiment.</param>
/// <param name="Cached">Whether the results came from the result cache.</param>
public sealed record TrackedSearchResults(SearchResults Results, Guid QueryId, SearchMode Mode, string? Arm, bool Cached);

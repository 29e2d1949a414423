namespace Allixios.Search.Analytics;

/// <summary>A searcher opened one of a query's hits.</summary>
/// <param name="QueryId">The query's id, as its answer gave it.</param>
/// <param name="DocumentId">The document opened.</param>
/// <param name="Position">Its 1-based position in the results the searcher saw (1 to 10,000).</param>
/// <param name="At">When.</param>
public sealed record SearchClick(Guid QueryId, string DocumentId, int Position, DateTimeOffset At);

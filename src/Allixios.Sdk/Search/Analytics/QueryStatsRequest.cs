namespace Allixios.Search.Analytics;

/// <summary>A query report over the window [<paramref name="From"/>, <paramref name="To"/>).</summary>
/// <param name="From">The window's start (included).</param>
/// <param name="To">The window's end (excluded); after <paramref name="From"/>, at most 366 days later.</param>
public sealed record QueryStatsRequest(DateTimeOffset From, DateTimeOffset To)
{
    /// <summary>Which report: the order and, for zero results, the filter. Default: <see cref="QueryStatsOrder.Searches"/>.</summary>
    public QueryStatsOrder Order { get; init; } = QueryStatsOrder.Searches;

    /// <summary>How many queries at most. Default: 10. Range: 1 to 1,000.</summary>
    public int Top { get; init; } = 10;
}

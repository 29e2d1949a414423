namespace Allixios.Search.Analytics;

/// <summary>Which query report to read.</summary>
public enum QueryStatsOrder
{
    /// <summary>Popular queries: most searches first.</summary>
    Searches = 0,

    /// <summary>Zero-result queries: only queries that found nothing at least once, most such searches first.</summary>
    ZeroResults = 1,

    /// <summary>Click-through: highest click-through rate first, then most searches.</summary>
    ClickThroughRate = 2,
}

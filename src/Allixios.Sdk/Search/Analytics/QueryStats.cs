namespace Allixios.Search.Analytics;

/// <summary>What searchers did with one (normalised) query text within a window.</summary>
/// <param name="Query">The normalised query text (see <see cref="SearchQueryText.Normalize"/>).</param>
/// <param name="Searches">How often it was asked.</param>
/// <param name="ZeroResultSearches">How many of those found nothing.</param>
/// <param name="ClickedSearches">How many of those had at least one click recorded.</param>
/// <param name="Clicks">How many clicks were recorded on its hits (a document once per search).</param>
public sealed record QueryStats(string Query, long Searches, long ZeroResultSearches, long ClickedSearches, long Clicks)
{
    /// <summary>Click-through rate: clicked searches ÷ searches, from 0 to 1.</summary>
    public double ClickThroughRate => Searches == 0 ? 0 : (double)ClickedSearches / Searches;
}

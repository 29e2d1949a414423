namespace Allixios.Search.Analytics;

/// <summary>How one arm of an experiment did.</summary>
/// <param name="Arm">The arm's name.</param>
/// <param name="Searches">Queries run with it.</param>
/// <param name="ClickedSearches">Of those, how many had at least one click.</param>
/// <param name="Clicks">Clicks recorded on its queries' hits.</param>
public sealed record ExperimentArmResult(string Arm, long Searches, long ClickedSearches, long Clicks)
{
    /// <summary>Click-through rate: clicked searches ÷ searches, from 0 to 1 (0 with no searches).</summary>
    public double ClickThroughRate => Searches == 0 ? 0 : (double)ClickedSearches / Searches;
}

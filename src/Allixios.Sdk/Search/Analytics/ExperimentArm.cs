namespace Allixios.Search.Analytics;

/// <summary>One arm of an A/B test.</summary>
/// <param name="Name">1 to 63 characters of a-z, 0-9, <c>_</c>, <c>-</c>, <c>.</c>; unique in its experiment.</param>
/// <param name="Weight">Its share of searchers relative to the other arms': finite, more than 0, at most 1,000.</param>
/// <param name="Ranking">How its queries are ranked.</param>
public sealed record ExperimentArm(string Name, double Weight, RankingConfig Ranking);

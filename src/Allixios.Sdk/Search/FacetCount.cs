namespace Allixios.Search;

/// <summary>How many hits have <paramref name="Value"/> in a faceted field.</summary>
public sealed record FacetCount(string Value, long Count);

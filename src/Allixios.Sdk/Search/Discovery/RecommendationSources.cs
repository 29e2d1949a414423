namespace Allixios.Search.Discovery;

/// <summary>The values of <see cref="Recommendation.Sources"/>.</summary>
public static class RecommendationSources
{
    /// <summary>Similar content: vector neighbours, or the document's distinctive terms.</summary>
    public const string Content = "content";

    /// <summary>Behaviour: documents the same users or sessions also viewed or clicked.</summary>
    public const string Behaviour = "behaviour";
}

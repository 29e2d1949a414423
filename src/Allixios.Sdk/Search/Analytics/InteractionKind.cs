namespace Allixios.Search.Analytics;

/// <summary>What a user or session did with a document.</summary>
public enum InteractionKind
{
    /// <summary>Viewed it.</summary>
    View = 0,

    /// <summary>Clicked it (e.g. in a list of recommendations).</summary>
    Click = 1,
}

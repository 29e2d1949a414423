namespace Allixios.Search.Discovery;

/// <summary>Who asks a query and in which experiment, for the query log and A/B tests.</summary>
public sealed record SearchContext
{
    /// <summary>No user and no experiment.</summary>
    public static SearchContext None { get; } = new();

    /// <summary>A user or session id (1 to 200 characters); an experiment needs it to assign the searcher an arm for good.</summary>
    public string? UserId { get; init; }

    /// <summary>The running experiment whose arm ranks the query, if any.</summary>
    public string? ExperimentId { get; init; }
}

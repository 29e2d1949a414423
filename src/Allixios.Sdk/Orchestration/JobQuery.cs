namespace Allixios.Orchestration;

/// <summary>Which jobs of a tenant to list, newest first, a page at a time; <see cref="JobClient"/> validates it.</summary>
/// <param name="TenantId">The tenant whose jobs to list.</param>
public sealed record JobQuery(string TenantId)
{
    /// <summary>Only jobs in this state. Default: any state.</summary>
    public JobState? State { get; init; }

    /// <summary>Only jobs of this type. Default: any type.</summary>
    public string? Type { get; init; }

    /// <summary>Only jobs that carry this tag. Default: any tags.</summary>
    public string? Tag { get; init; }

    /// <summary>Only jobs older than this one (the last id of the previous page). Default: from the newest.</summary>
    public Guid? Before { get; init; }

    /// <summary>The most jobs to return, 1 to 500. Default: 100.</summary>
    public int Limit { get; init; } = 100;
}

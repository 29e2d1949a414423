namespace Allixios.Usage;

/// <summary>Which ledger entries to read or summarize; what is none does not filter.</summary>
/// <param name="TenantId">The tenant whose entries to read; none reads every tenant's (platform administration only).</param>
public sealed record UsageQuery(string? TenantId)
{
    /// <summary>Entries at or after this time.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Entries before this time.</summary>
    public DateTimeOffset? To { get; init; }

    /// <summary>Only this API key's entries.</summary>
    public string? ApiKeyId { get; init; }

    /// <summary>Only this model's entries.</summary>
    public string? Model { get; init; }

    /// <summary>Only this provider's entries.</summary>
    public string? Provider { get; init; }

    /// <summary>Only this job type's entries.</summary>
    public string? JobType { get; init; }

    /// <summary>For listing: only entries older than this one (the last id of the previous page).</summary>
    public Guid? Before { get; init; }

    /// <summary>For listing: at most this many entries, 1 to 1000. Default: 100.</summary>
    public int Limit { get; init; } = 100;
}

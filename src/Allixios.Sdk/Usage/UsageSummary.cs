namespace Allixios.Usage;

/// <summary>One group of usage analytics; the dimensions not grouped by are none.</summary>
/// <param name="Currency">The currency of <paramref name="Cost"/>.</param>
/// <param name="Calls">How many entries.</param>
/// <param name="Failures">How many of them did not succeed.</param>
/// <param name="InputTokens">Prompt tokens, summed.</param>
/// <param name="OutputTokens">Completion tokens, summed.</param>
/// <param name="Cost">Cost, summed.</param>
/// <param name="AverageLatency">Mean latency.</param>
public sealed record UsageSummary(string Currency, long Calls, long Failures, long InputTokens, long OutputTokens, decimal Cost, TimeSpan AverageLatency)
{
    /// <summary>The tenant, when grouped by it.</summary>
    public string? TenantId { get; init; }

    /// <summary>The API key, when grouped by it (none also for entries without a key).</summary>
    public string? ApiKeyId { get; init; }

    /// <summary>The model, when grouped by it.</summary>
    public string? Model { get; init; }

    /// <summary>The provider, when grouped by it.</summary>
    public string? Provider { get; init; }

    /// <summary>The job type, when grouped by it.</summary>
    public string? JobType { get; init; }

    /// <summary>The UTC day, when grouped by it.</summary>
    public DateOnly? Day { get; init; }
}

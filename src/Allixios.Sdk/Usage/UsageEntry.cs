namespace Allixios.Usage;

/// <summary>One line of the usage ledger: one AI call or one job attempt, what it consumed and what it cost.</summary>
/// <param name="Id">Its id (a version 7 UUID: ids sort by time). <see cref="IUsageLedger.RecordAsync"/> is idempotent on it.</param>
/// <param name="TenantId">The tenant that paid.</param>
/// <param name="At">When the work finished.</param>
/// <param name="Cost">What it cost, zero or more, in <paramref name="Currency"/>.</param>
/// <param name="Currency">An ISO 4217 code, e.g. <c>USD</c>.</param>
/// <param name="Outcome">How it ended.</param>
public sealed record UsageEntry(Guid Id, string TenantId, DateTimeOffset At, decimal Cost, string Currency, UsageOutcome Outcome)
{
    /// <summary>The API key that asked for it, or none.</summary>
    public string? ApiKeyId { get; init; }

    /// <summary>The job it was part of, or none.</summary>
    public Guid? JobId { get; init; }

    /// <summary>That job's type, e.g. <c>content.generate</c>, or none.</summary>
    public string? JobType { get; init; }

    /// <summary>The model that served it, e.g. <c>gpt-4o-mini</c>, or none.</summary>
    public string? Model { get; init; }

    /// <summary>The provider that served it, e.g. <c>openai</c>, or none.</summary>
    public string? Provider { get; init; }

    /// <summary>Prompt tokens consumed, zero or more.</summary>
    public long InputTokens { get; init; }

    /// <summary>Completion tokens produced, zero or more.</summary>
    public long OutputTokens { get; init; }

    /// <summary>How long it took, zero or more.</summary>
    public TimeSpan Latency { get; init; }
}

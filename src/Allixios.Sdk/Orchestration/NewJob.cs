namespace Allixios.Orchestration;

/// <summary>A job to enqueue, as a caller describes it; <see cref="JobClient"/> validates it.</summary>
/// <param name="Type">A registered job type, e.g. <c>content.generate</c>.</param>
/// <param name="Payload">The input as a JSON document, valid against the type's schema.</param>
public sealed record NewJob(string Type, string Payload)
{
    /// <summary>0 (lowest) to 9 (highest); higher runs first within a tenant. Default: 5.</summary>
    public int Priority { get; init; } = 5;

    /// <summary>A key unique within the tenant (1 to 200 characters): enqueueing it again returns the first job. Default: none.</summary>
    public string? IdempotencyKey { get; init; }

    /// <summary>How long to wait before the job is due; zero or more. Default: none (due now).</summary>
    public TimeSpan? Delay { get; init; }

    /// <summary>When the job must have finished by; after its due time. Default: none.</summary>
    public DateTimeOffset? Deadline { get; init; }

    /// <summary>How many attempts it gets, 1 to 100. Default: <see cref="OrchestrationOptions.DefaultMaxAttempts"/>.</summary>
    public int? MaxAttempts { get; init; }

    /// <summary>How long one attempt may run, 1 second to 24 hours. Default: <see cref="OrchestrationOptions.DefaultTimeout"/>.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Up to 20 labels of 1 to 100 characters. Default: none.</summary>
    public IReadOnlyList<string>? Tags { get; init; }

    /// <summary>What the job is expected to cost, zero or more. Default: none.</summary>
    public decimal? EstimatedCost { get; init; }

    /// <summary>The resource it needs, e.g. an AI provider name, 1 to 100 characters. Default: none.</summary>
    public string? Resource { get; init; }
}

namespace Allixios.AiRouting.FineTuning;

/// <summary>A fine-tuning job on a provider, as Allixios last saw it.</summary>
public sealed record AiFineTuningJob
{
    /// <summary>The provider's job id, e.g. <c>ftjob-abc123</c>.</summary>
    public required string Id { get; init; }

    /// <summary>The provider (in <see cref="AiRoutingOptions.Providers"/>) that runs it.</summary>
    public required string Provider { get; init; }

    /// <summary>The base model, as the provider names it.</summary>
    public required string BaseModel { get; init; }

    /// <summary>Where it is.</summary>
    public required AiFineTuningStatus Status { get; init; }

    /// <summary>The tenant that submitted it (from the job's metadata), or none.</summary>
    public string? TenantId { get; init; }

    /// <summary>The fine-tuned model's name once it succeeded, e.g. <c>ft:gpt-4o-mini-2024-07-18:org:suffix:abc123</c>.</summary>
    public string? FineTunedModel { get; init; }

    /// <summary>The uploaded training file's id.</summary>
    public string? TrainingFile { get; init; }

    /// <summary>The uploaded validation file's id, if any.</summary>
    public string? ValidationFile { get; init; }

    /// <summary>When it was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When it finished, if it did.</summary>
    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>When the provider expects it to finish, if it says.</summary>
    public DateTimeOffset? EstimatedFinish { get; init; }

    /// <summary>Tokens trained on, once known.</summary>
    public long? TrainedTokens { get; init; }

    /// <summary>The provider's error code when it failed, e.g. <c>invalid_training_file</c>.</summary>
    public string? ErrorCode { get; init; }

    /// <summary>The provider's error message when it failed.</summary>
    public string? ErrorMessage { get; init; }

    /// <summary>Whether the job has ended (succeeded, failed or cancelled).</summary>
    public bool IsTerminal => Status is AiFineTuningStatus.Succeeded or AiFineTuningStatus.Failed or AiFineTuningStatus.Cancelled;
}

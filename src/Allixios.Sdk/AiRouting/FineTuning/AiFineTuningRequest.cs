namespace Allixios.AiRouting.FineTuning;

/// <summary>A fine-tuning job to submit: the base model, the training data (JSONL in OpenAI's chat format) and options.</summary>
public sealed record AiFineTuningRequest
{
    /// <summary>
    /// The base model: a catalog model or deployment id served by an OpenAI-compatible provider. Its deployment decides the
    /// provider and the model name sent upstream.
    /// </summary>
    public required string BaseModel { get; init; }

    /// <summary>The training data: one JSON object per line, each <c>{"messages":[…]}</c> with at least one assistant message.</summary>
    public required ReadOnlyMemory<byte> TrainingData { get; init; }

    /// <summary>The training file's name at the provider. Default: <c>training.jsonl</c>.</summary>
    public string FileName { get; init; } = "training.jsonl";

    /// <summary>Validation data in the same format, or none.</summary>
    public ReadOnlyMemory<byte>? ValidationData { get; init; }

    /// <summary>Up to 64 characters the provider adds to the fine-tuned model's name, or none.</summary>
    public string? Suffix { get; init; }

    /// <summary>Training epochs, 1 to 50; none lets the provider choose.</summary>
    public int? Epochs { get; init; }

    /// <summary>The training seed, or none.</summary>
    public int? Seed { get; init; }
}

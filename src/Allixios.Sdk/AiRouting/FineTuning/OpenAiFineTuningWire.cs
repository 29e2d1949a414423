using System.Text.Json;
using System.Text.Json.Serialization;

namespace Allixios.AiRouting.FineTuning;

/// <summary>The JSON bodies of OpenAI's files and fine-tuning API (<c>/v1/files</c>, <c>/v1/fine_tuning/jobs</c>).</summary>
public static class OpenAiFineTuningWire
{
    /// <summary>A file object.</summary>
    public sealed record FileObject
    {
        /// <summary><c>id</c>, e.g. <c>file-abc123</c>.</summary>
        [JsonPropertyName("id")] public string? Id { get; init; }

        /// <summary><c>bytes</c>.</summary>
        [JsonPropertyName("bytes")] public long Bytes { get; init; }

        /// <summary><c>filename</c>.</summary>
        [JsonPropertyName("filename")] public string? FileName { get; init; }

        /// <summary><c>purpose</c>.</summary>
        [JsonPropertyName("purpose")] public string? Purpose { get; init; }
    }

    /// <summary>The body that creates a job.</summary>
    public sealed record CreateJobRequest
    {
        /// <summary><c>model</c>: the base model.</summary>
        [JsonPropertyName("model")] public required string Model { get; init; }

        /// <summary><c>training_file</c>: an uploaded file's id.</summary>
        [JsonPropertyName("training_file")] public required string TrainingFile { get; init; }

        /// <summary><c>validation_file</c>.</summary>
        [JsonPropertyName("validation_file")] public string? ValidationFile { get; init; }

        /// <summary><c>suffix</c>: up to 64 characters added to the fine-tuned model's name.</summary>
        [JsonPropertyName("suffix")] public string? Suffix { get; init; }

        /// <summary><c>seed</c>.</summary>
        [JsonPropertyName("seed")] public int? Seed { get; init; }

        /// <summary><c>hyperparameters</c>.</summary>
        [JsonPropertyName("hyperparameters")] public Hyperparameters? Hyperparameters { get; init; }

        /// <summary><c>metadata</c>: up to 16 string pairs kept with the job.</summary>
        [JsonPropertyName("metadata")] public IReadOnlyDictionary<string, string>? Metadata { get; init; }
    }

    /// <summary>Training hyperparameters; unset ones are the provider's <c>auto</c>.</summary>
    public sealed record Hyperparameters
    {
        /// <summary><c>n_epochs</c>.</summary>
        [JsonPropertyName("n_epochs")] public int? Epochs { get; init; }
    }

    /// <summary>A fine-tuning job.</summary>
    public sealed record Job
    {
        /// <summary><c>id</c>, e.g. <c>ftjob-abc123</c>.</summary>
        [JsonPropertyName("id")] public string? Id { get; init; }

        /// <summary><c>model</c>: the base model.</summary>
        [JsonPropertyName("model")] public string? Model { get; init; }

        /// <summary><c>status</c>: validating_files, queued, running, succeeded, failed or cancelled.</summary>
        [JsonPropertyName("status")] public string? Status { get; init; }

        /// <summary><c>fine_tuned_model</c>, once it succeeded.</summary>
        [JsonPropertyName("fine_tuned_model")] public string? FineTunedModel { get; init; }

        /// <summary><c>training_file</c>.</summary>
        [JsonPropertyName("training_file")] public string? TrainingFile { get; init; }

        /// <summary><c>validation_file</c>.</summary>
        [JsonPropertyName("validation_file")] public string? ValidationFile { get; init; }

        /// <summary><c>created_at</c>, Unix seconds.</summary>
        [JsonPropertyName("created_at")] public long CreatedAt { get; init; }

        /// <summary><c>finished_at</c>, Unix seconds.</summary>
        [JsonPropertyName("finished_at")] public long? FinishedAt { get; init; }

        /// <summary><c>estimated_finish</c>, Unix seconds.</summary>
        [JsonPropertyName("estimated_finish")] public long? EstimatedFinish { get; init; }

        /// <summary><c>trained_tokens</c>.</summary>
        [JsonPropertyName("trained_tokens")] public long? TrainedTokens { get; init; }

        /// <summary><c>error</c>, when it failed.</summary>
        [JsonPropertyName("error")] public JobError? Error { get; init; }

        /// <summary><c>metadata</c>.</summary>
        [JsonPropertyName("metadata")] public Dictionary<string, string>? Metadata { get; init; }
    }

    /// <summary>Why a job failed.</summary>
    public sealed record JobError
    {
        /// <summary><c>code</c>.</summary>
        [JsonPropertyName("code")] public string? Code { get; init; }

        /// <summary><c>message</c>.</summary>
        [JsonPropertyName("message")] public string? Message { get; init; }

        /// <summary><c>param</c>.</summary>
        [JsonPropertyName("param")] public string? Param { get; init; }
    }

    /// <summary>A job event.</summary>
    public sealed record JobEvent
    {
        /// <summary><c>id</c>.</summary>
        [JsonPropertyName("id")] public string? Id { get; init; }

        /// <summary><c>created_at</c>, Unix seconds.</summary>
        [JsonPropertyName("created_at")] public long CreatedAt { get; init; }

        /// <summary><c>level</c>: info, warn or error.</summary>
        [JsonPropertyName("level")] public string? Level { get; init; }

        /// <summary><c>message</c>.</summary>
        [JsonPropertyName("message")] public string? Message { get; init; }

        /// <summary><c>type</c>: message or metrics.</summary>
        [JsonPropertyName("type")] public string? Type { get; init; }

        /// <summary><c>data</c>, e.g. training metrics.</summary>
        [JsonPropertyName("data")] public JsonElement? Data { get; init; }
    }

    /// <summary>A page of a list.</summary>
    /// <typeparam name="T">The item type.</typeparam>
    public sealed record Page<T>
    {
        /// <summary><c>data</c>.</summary>
        [JsonPropertyName("data")] public IReadOnlyList<T>? Data { get; init; }

        /// <summary><c>has_more</c>.</summary>
        [JsonPropertyName("has_more")] public bool HasMore { get; init; }
    }
}

namespace Allixios.AiRouting.FineTuning;

/// <summary>Where a fine-tuning job is (OpenAI's <c>status</c>).</summary>
public enum AiFineTuningStatus
{
    /// <summary><c>validating_files</c>: the provider checks the training file.</summary>
    ValidatingFiles,

    /// <summary><c>queued</c>.</summary>
    Queued,

    /// <summary><c>running</c>.</summary>
    Running,

    /// <summary><c>succeeded</c>: the fine-tuned model exists. Terminal.</summary>
    Succeeded,

    /// <summary><c>failed</c>, with an error. Terminal.</summary>
    Failed,

    /// <summary><c>cancelled</c>. Terminal.</summary>
    Cancelled,
}

using System.ComponentModel.DataAnnotations;

namespace Allixios.AiRouting.FineTuning;

/// <summary>Fine-tuning on OpenAI-compatible providers, bound from <c>Allixios:AiRouting:FineTuning</c>.</summary>
public sealed class AiFineTuningOptions : IValidatableObject
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "Allixios:AiRouting:FineTuning";

    /// <summary>How often the tracker asks the provider about each job that has not ended. Default: 30 s. Range: 100 ms to 1 h.</summary>
    [Range(typeof(TimeSpan), "00:00:00.1", "01:00:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The fewest training examples accepted (OpenAI refuses fewer than 10). Default: 10. Range: 1 to 100,000.</summary>
    [Range(1, 100_000)]
    public int MinExamples { get; set; } = 10;

    /// <summary>The largest training or validation file accepted, in bytes. Default: 64 MiB. Range: 1 KiB to 1 GiB.</summary>
    [Range(1024, 1024 * 1024 * 1024)]
    public int MaxFileBytes { get; set; } = 64 * 1024 * 1024;

    /// <summary>
    /// Providers whose jobs the tracker looks up when it starts: jobs that succeeded have their models registered again and
    /// jobs still running are tracked, so a restart loses nothing. Default: none.
    /// </summary>
    public IList<string> ResumeProviders { get; } = [];

    /// <summary>
    /// Changes to a fine-tuned model's catalog entry by base model name, over what it inherits (the base model's
    /// capabilities, context window and quality, and the prices of the price table's <c>ft:&lt;base&gt;</c> row, else the
    /// base model's). Default: none.
    /// </summary>
    public IDictionary<string, AiModelOverride> Models { get; } = new Dictionary<string, AiModelOverride>(StringComparer.OrdinalIgnoreCase);

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (name, model) in Models)
        {
            var results = new List<ValidationResult>();
            if (!Validator.TryValidateObject(model, new ValidationContext(model), results, validateAllProperties: true))
            {
                foreach (var result in results)
                {
                    yield return new ValidationResult($"Allixios:AiRouting:FineTuning:Models:{name}: {result.ErrorMessage}", [nameof(Models)]);
                }
            }
        }

        foreach (var provider in ResumeProviders)
        {
            if (string.IsNullOrWhiteSpace(provider))
            {
                yield return new ValidationResult("Allixios:AiRouting:FineTuning:ResumeProviders has a blank provider name.", [nameof(ResumeProviders)]);
            }
        }
    }
}

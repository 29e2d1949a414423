using System.ComponentModel.DataAnnotations;

namespace Allixios.AiRouting.Caching;

/// <summary>
/// The response cache in front of the AI router, bound from <c>Allixios:AiRouting:ResponseCache</c>. A call's mode is,
/// first found: the call's own <see cref="AiCachingChatClient.CacheModeProperty"/>, its tenant's entry in
/// <see cref="TenantModes"/>, <see cref="Mode"/>. Only deterministic calls (temperature 0) are cached unless the call
/// itself asks for a cache mode or <see cref="CacheNonDeterministic"/> is on: an answer sampled at a temperature above 0
/// is one of many, and replaying it would silently remove the variety the caller asked for.
/// </summary>
public sealed class AiResponseCacheOptions : IValidatableObject
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "Allixios:AiRouting:ResponseCache";

    /// <summary>The mode of calls that name none and whose tenant has none. Default: <see cref="AiCacheMode.Off"/>.</summary>
    public AiCacheMode Mode { get; set; } = AiCacheMode.Off;

    /// <summary>Modes by tenant id, over <see cref="Mode"/>. Default: none.</summary>
    public IDictionary<string, AiCacheMode> TenantModes { get; } = new Dictionary<string, AiCacheMode>(StringComparer.Ordinal);

    /// <summary>
    /// Whether calls with a temperature above 0 (or none, which providers treat as 1) are cached when the mode comes from
    /// configuration rather than the call. Default: <see langword="false"/>.
    /// </summary>
    public bool CacheNonDeterministic { get; set; }

    /// <summary>How long a cached answer is served. Default: 1 hour. Range: 1 second to 30 days.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00")]
    public TimeSpan Expiration { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// The cosine similarity between the last user messages at or above which the semantic cache answers. Default: 0.95
    /// (paraphrases of one question score about 0.85 to 0.97 with all-MiniLM-L6-v2, different questions on one topic about
    /// 0.5 to 0.8). Range: 0.5 to 1.
    /// </summary>
    [Range(0.5, 1.0)]
    public double SemanticThreshold { get; set; } = 0.95;

    /// <summary>The longest last user message the semantic cache embeds, in characters; longer ones use the exact cache only. Default: 2,000. Range: 1 to 100,000.</summary>
    [Range(1, 100_000)]
    public int SemanticMaxMessageLength { get; set; } = 2_000;

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (tenant, mode) in TenantModes)
        {
            if (string.IsNullOrWhiteSpace(tenant))
            {
                yield return new ValidationResult("Allixios:AiRouting:ResponseCache:TenantModes has a blank tenant id.", [nameof(TenantModes)]);
            }

            if (!Enum.IsDefined(mode))
            {
                yield return new ValidationResult($"Allixios:AiRouting:ResponseCache:TenantModes:{tenant} is {mode}; use Off, Exact or Semantic.", [nameof(TenantModes)]);
            }
        }

        if (!Enum.IsDefined(Mode))
        {
            yield return new ValidationResult($"Allixios:AiRouting:ResponseCache:Mode is {Mode}; use Off, Exact or Semantic.", [nameof(Mode)]);
        }
    }
}

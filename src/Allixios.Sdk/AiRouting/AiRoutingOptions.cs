using System.ComponentModel.DataAnnotations;

namespace Allixios.AiRouting;

/// <summary>The AI router's settings, bound from <c>Allixios:AiRouting</c>: providers, deployments, the catalog, policies and failover.</summary>
public sealed class AiRoutingOptions : IValidatableObject
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "Allixios:AiRouting";

    /// <summary>The provider endpoints, by name. At least one is needed for a call to go anywhere.</summary>
    public IDictionary<string, AiProviderOptions> Providers { get; } = new Dictionary<string, AiProviderOptions>(StringComparer.OrdinalIgnoreCase);

    /// <summary>The deployments the router chooses among. At least one is needed for a call to go anywhere.</summary>
    public IList<AiDeploymentOptions> Deployments { get; } = [];

    /// <summary>
    /// Whether the price table shipped with Allixios is loaded first. Default: <see langword="true"/>. Turn it off to
    /// use only <see cref="PriceTableFiles"/> and <see cref="Models"/>.
    /// </summary>
    public bool UseDefaultPriceTable { get; set; } = true;

    /// <summary>Price tables in LiteLLM's schema, read in order after the default one; a later row replaces an earlier one of the same model. Default: none.</summary>
    public IList<string> PriceTableFiles { get; } = [];

    /// <summary>Per-model changes applied after every table; a model not in any table is added (it then needs a context window). Default: none.</summary>
    public IDictionary<string, AiModelOverride> Models { get; } = new Dictionary<string, AiModelOverride>(StringComparer.OrdinalIgnoreCase);

    /// <summary>The policy for tenants without one of their own.</summary>
    public AiRoutingPolicy DefaultPolicy { get; set; } = new();

    /// <summary>Policies by tenant id (the tenant a call names through <see cref="AiRouter.TenantIdProperty"/>). Default: none.</summary>
    public IDictionary<string, AiRoutingPolicy> TenantPolicies { get; } = new Dictionary<string, AiRoutingPolicy>(StringComparer.Ordinal);

    /// <summary>
    /// The output bound sent with a call that names none. Every call carries one, so its largest possible cost is known
    /// before it is made. Default: 1024. Range: 1 to 1,000,000.
    /// </summary>
    [Range(1, 1_000_000)]
    public int DefaultMaxOutputTokens { get; set; } = 1024;

    /// <summary>How often one deployment is retried on 429, 5xx and timeouts before the router falls over. Default: 2. Range: 0 to 10.</summary>
    [Range(0, 10)]
    public int MaxRetries { get; set; } = 2;

    /// <summary>The first retry's backoff; later ones grow exponentially, with jitter. Default: 500 ms. Range: 1 ms to 1 min.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:01:00")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// The longest one retry waits, even when the provider's <c>Retry-After</c> asks for longer (then the router
    /// falls over to the next deployment sooner). Default: 20 s. Range: 1 ms to 10 min.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:10:00")]
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>How long one attempt may take until the response starts (a whole unary answer, a stream's headers). Default: 2 min. Range: 10 ms to 30 min.</summary>
    [Range(typeof(TimeSpan), "00:00:00.01", "00:30:00")]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Whether provider calls carry the caller's W3C trace context (<c>traceparent</c>, <c>tracestate</c>) and are traced
    /// as <c>System.Net.Http</c> client spans. Off by default: your systems' trace ids are not sent to outside AI
    /// providers, and each call skips the handler that would add them. Turn it on for end-to-end traces through a
    /// provider you run or trust (vLLM, Ollama, a gateway of your own). Default: false.
    /// </summary>
    public bool PropagateTraceContext { get; set; }

    /// <summary>The share of failed calls within <see cref="BreakerSamplingDuration"/> that opens a deployment's circuit. Default: 0.5. Range: 0.01 to 1.</summary>
    [Range(0.01, 1.0)]
    public double BreakerFailureRatio { get; set; } = 0.5;

    /// <summary>The calls a deployment must have had within the sampling window before its circuit may open. Default: 5. Range: 2 to 10000.</summary>
    [Range(2, 10_000)]
    public int BreakerMinimumThroughput { get; set; } = 5;

    /// <summary>The window the failure ratio is measured over. Default: 30 s. Range: 500 ms to 1 h.</summary>
    [Range(typeof(TimeSpan), "00:00:00.5", "01:00:00")]
    public TimeSpan BreakerSamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The cooldown: how long an open circuit keeps a deployment out of routing before one trial call. Default: 30 s. Range: 500 ms to 1 h.</summary>
    [Range(typeof(TimeSpan), "00:00:00.5", "01:00:00")]
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The weight of the newest latency in each deployment's moving average. Default: 0.2. Range: 0.01 to 1.</summary>
    [Range(0.01, 1.0)]
    public double LatencySmoothing { get; set; } = 0.2;

    /// <summary>
    /// The weight of the newest quality score in each deployment's moving quality (which starts at the model's quality
    /// prior and is what the quality floor and <see cref="AiRoutingStrategy.QualityFirst"/> use). Default: 0.1 (about
    /// the last 20 scores count). Range: 0.01 to 1.
    /// </summary>
    [Range(0.01, 1.0)]
    public double QualitySmoothing { get; set; } = 0.1;

    /// <summary>
    /// When the quality ledger is there (<c>AddQualityScoring</c>), how many of each model's newest scores rebuild its
    /// moving quality when the process starts, so a restart does not fall back to the prior; 0 starts from the prior.
    /// With the default smoothing the prior's weight after 1,000 scores is 0.9^1000, nothing. Default: 1000. Range: 0 to 100000.
    /// </summary>
    [Range(0, 100_000)]
    public int QualityRestoreScores { get; set; } = 1_000;

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (name, provider) in Providers)
        {
            if (provider.BaseAddress is null || !provider.BaseAddress.IsAbsoluteUri)
            {
                yield return new ValidationResult($"AiRouting provider '{name}' needs an absolute BaseAddress, e.g. https://api.openai.com/v1/.", [nameof(Providers)]);
            }

            // Sent as headers: a control character (a pasted line break) would end the header, or the request.
            if (provider.ApiKey?.Any(char.IsControl) == true || provider.AnthropicVersion?.Any(char.IsControl) == true)
            {
                yield return new ValidationResult($"The ApiKey or AnthropicVersion of AiRouting provider '{name}' has a control character (a line break?); remove it.", [nameof(Providers)]);
            }
        }

        var ids = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var deployment in Deployments)
        {
            if (string.IsNullOrWhiteSpace(deployment.Id) || string.IsNullOrWhiteSpace(deployment.Model))
            {
                yield return new ValidationResult("Every AiRouting deployment needs an Id and a Model.", [nameof(Deployments)]);
                continue;
            }

            if (!ids.Add(deployment.Id))
            {
                yield return new ValidationResult($"AiRouting deployment id '{deployment.Id}' is used twice; ids must be unique.", [nameof(Deployments)]);
            }

            if (!Providers.ContainsKey(deployment.Provider))
            {
                yield return new ValidationResult($"AiRouting deployment '{deployment.Id}' names provider '{deployment.Provider}', which is not in Providers.", [nameof(Deployments)]);
            }

            if (deployment.Weight is < 0 or > 1000)
            {
                yield return new ValidationResult($"AiRouting deployment '{deployment.Id}' has weight {deployment.Weight}; it must be 0 to 1000.", [nameof(Deployments)]);
            }
        }

        foreach (var (tenant, policy) in TenantPolicies)
        {
            if (policy.QualityFloor is < 0 or > 100)
            {
                yield return new ValidationResult($"The AiRouting policy of tenant '{tenant}' has quality floor {policy.QualityFloor}; it must be 0 to 100.", [nameof(TenantPolicies)]);
            }
        }

        foreach (var (name, model) in Models)
        {
            var results = new List<ValidationResult>();
            if (!Validator.TryValidateObject(model, new ValidationContext(model), results, validateAllProperties: true))
            {
                foreach (var result in results)
                {
                    yield return new ValidationResult($"AiRouting:Models:{name}: {result.ErrorMessage}", [nameof(Models)]);
                }
            }
        }

        if (DefaultPolicy.QualityFloor is < 0 or > 100)
        {
            yield return new ValidationResult($"The default AiRouting policy has quality floor {DefaultPolicy.QualityFloor}; it must be 0 to 100.", [nameof(DefaultPolicy)]);
        }
    }
}

using System.ComponentModel.DataAnnotations;

namespace Allixios.AiRouting;

/// <summary>One model served by one provider: the unit the router picks, breaks the circuit of and measures.</summary>
public sealed class AiDeploymentOptions
{
    /// <summary>The deployment's id, unique among deployments, e.g. <c>openai-gpt-4o-mini</c>. Required.</summary>
    [Required]
    public string Id { get; set; } = "";

    /// <summary>The name of the provider in <see cref="AiRoutingOptions.Providers"/> that serves it. Required.</summary>
    [Required]
    public string Provider { get; set; } = "";

    /// <summary>The model's name in the catalog (the price table), e.g. <c>gpt-4o-mini</c>. Requests name this. Required.</summary>
    [Required]
    public string Model { get; set; } = "";

    /// <summary>The model name sent to the provider, when it differs from <see cref="Model"/> (an Azure deployment name, an Ollama tag). Default: <see cref="Model"/>.</summary>
    public string? UpstreamModel { get; set; }

    /// <summary>The deployment's share under <see cref="AiRoutingStrategy.Weighted"/>. Default: 1. Range: 0 (never drawn first) to 1000.</summary>
    [Range(0, 1000)]
    public int Weight { get; set; } = 1;
}

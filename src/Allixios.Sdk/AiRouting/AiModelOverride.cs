using System.ComponentModel.DataAnnotations;

namespace Allixios.AiRouting;

/// <summary>Configuration that changes (or adds) one model in the catalog; fields left unset keep the price table's value.</summary>
public sealed class AiModelOverride
{
    /// <summary>The tokens the model accepts in one call, prompt and output together.</summary>
    [Range(1, int.MaxValue)]
    public int? ContextWindow { get; set; }

    /// <summary>The most tokens the model writes in one call.</summary>
    [Range(1, int.MaxValue)]
    public int? MaxOutputTokens { get; set; }

    /// <summary>The price of one prompt token.</summary>
    [Range(typeof(decimal), "0", "1")]
    public decimal? InputCostPerToken { get; set; }

    /// <summary>The price of one output token.</summary>
    [Range(typeof(decimal), "0", "1")]
    public decimal? OutputCostPerToken { get; set; }

    /// <summary>The price of one cached prompt token.</summary>
    [Range(typeof(decimal), "0", "1")]
    public decimal? CachedInputCostPerToken { get; set; }

    /// <summary>The expected quality, 0 to 100.</summary>
    [Range(0, 100)]
    public double? QualityPrior { get; set; }

    /// <summary>What the model can do; replaces the table's capabilities when set.</summary>
    public AiCapabilities? Capabilities { get; set; }

    /// <summary>The provider family, e.g. <c>openai</c>.</summary>
    public string? ProviderFamily { get; set; }
}

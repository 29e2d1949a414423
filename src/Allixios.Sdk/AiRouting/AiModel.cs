namespace Allixios.AiRouting;

/// <summary>
/// One model in the catalog, as a price table row describes it (the schema of LiteLLM's
/// <c>model_prices_and_context_window.json</c>): what it can do, how much it holds and what each token costs.
/// </summary>
public sealed record AiModel
{
    /// <summary>The model's name in the catalog, e.g. <c>gpt-4o-mini</c>.</summary>
    public required string Name { get; init; }

    /// <summary>The provider family the table names (<c>litellm_provider</c>), e.g. <c>openai</c> or <c>anthropic</c>.</summary>
    public string? ProviderFamily { get; init; }

    /// <summary>The tokens the model accepts in one call, prompt and output together (<c>max_input_tokens</c>).</summary>
    public int ContextWindow { get; init; }

    /// <summary>The most tokens the model writes in one call (<c>max_output_tokens</c>).</summary>
    public int MaxOutputTokens { get; init; }

    /// <summary>The price of one prompt token, in the table's currency (USD in LiteLLM's table).</summary>
    public decimal InputCostPerToken { get; init; }

    /// <summary>The price of one output token.</summary>
    public decimal OutputCostPerToken { get; init; }

    /// <summary>The price of one prompt token read from the provider's prompt cache (<c>cache_read_input_token_cost</c>); the input price when the table names none.</summary>
    public decimal CachedInputCostPerToken { get; init; }

    /// <summary>What the model can do.</summary>
    public AiCapabilities Capabilities { get; init; }

    /// <summary>How good the model's answers are expected to be, 0 to 100 (<c>quality_prior</c>, an Allixios field; 50 when the table names none).</summary>
    public double QualityPrior { get; init; } = 50;
}

namespace Allixios.AiRouting;

/// <summary>One model served by one provider, as the catalog resolved it from configuration and the price tables.</summary>
public sealed record AiDeployment
{
    /// <summary>The deployment's id.</summary>
    public required string Id { get; init; }

    /// <summary>The name of the provider that serves it.</summary>
    public required string ProviderName { get; init; }

    /// <summary>The protocol that provider speaks.</summary>
    public required AiProviderKind ProviderKind { get; init; }

    /// <summary>The model, with its prices, limits, capabilities and quality prior.</summary>
    public required AiModel Model { get; init; }

    /// <summary>The model name sent to the provider.</summary>
    public required string UpstreamModel { get; init; }

    /// <summary>The deployment's share under weighted routing.</summary>
    public int Weight { get; init; } = 1;

    /// <summary>
    /// Whether only calls that name it (its model or id) are routed to it, never a policy's choice: a fine-tuned model
    /// answers what it was trained for, not every call. Default: <see langword="false"/>.
    /// </summary>
    public bool NamedOnly { get; init; }

    /// <summary>The only tenant whose calls may name it (a model fine-tuned on that tenant's data), or none: every tenant's.</summary>
    public string? OwnerTenantId { get; init; }
}

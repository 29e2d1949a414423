namespace Allixios.AiRouting;

/// <summary>
/// What one routed call used and cost, on the response (<see cref="AiResponseExtensions.GetUsageReport(Microsoft.Extensions.AI.ChatResponse)"/>)
/// and on a stream's last update. Exactly one report is made per call, by the deployment that answered, whatever failed before it.
/// </summary>
public sealed record AiUsageReport
{
    /// <summary>The key under which the report sits in <c>AdditionalProperties</c>.</summary>
    public const string PropertyName = "allixios.usage";

    /// <summary>The deployment that answered.</summary>
    public required string DeploymentId { get; init; }

    /// <summary>The provider that served it.</summary>
    public required string ProviderName { get; init; }

    /// <summary>The catalog model.</summary>
    public required string Model { get; init; }

    /// <summary>Prompt tokens, cached ones included.</summary>
    public long InputTokens { get; init; }

    /// <summary>The prompt tokens read from the provider's prompt cache.</summary>
    public long CachedInputTokens { get; init; }

    /// <summary>Output tokens.</summary>
    public long OutputTokens { get; init; }

    /// <summary>Whether the provider reported no usage, so the counts are Allixios' estimate (about four characters a token).</summary>
    public bool UsageEstimated { get; init; }

    /// <summary>The cost at the catalog's prices.</summary>
    public decimal Cost { get; init; }

    /// <summary>The most the call could have cost on the deployment that answered (prompt estimate × input price + max output tokens × output price). A budget reserves the largest of these over the deployments the call may be routed to.</summary>
    public decimal MaximumCost { get; init; }

    /// <summary>How many deployments were tried, the one that answered included.</summary>
    public int Attempts { get; init; }

    /// <summary>How long the answering deployment took: to the whole answer, or to a stream's end.</summary>
    public TimeSpan Latency { get; init; }
}

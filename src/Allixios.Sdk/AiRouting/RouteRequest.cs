namespace Allixios.AiRouting;

/// <summary>What one routing decision needs to know about a call.</summary>
internal readonly struct RouteRequest
{
    public RouteRequest(ResolvedPolicy policy, int[]? named, AiCapabilities required, long promptTokens, int maxOutputTokens)
    {
        Policy = policy;
        Named = named;
        Required = required;
        PromptTokens = promptTokens;
        MaxOutputTokens = maxOutputTokens;
    }

    public ResolvedPolicy Policy { get; }

    /// <summary>The deployments of the model the call names, or <see langword="null"/> to let the policy choose.</summary>
    public int[]? Named { get; }

    public AiCapabilities Required { get; }

    public long PromptTokens { get; }

    public int MaxOutputTokens { get; }
}

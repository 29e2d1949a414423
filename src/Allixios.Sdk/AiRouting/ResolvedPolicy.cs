namespace Allixios.AiRouting;

/// <summary>A routing policy with its fallback models resolved to deployment indexes once, at start.</summary>
internal sealed class ResolvedPolicy
{
    public ResolvedPolicy(AiRoutingPolicy policy, int[] fallbacks)
    {
        Strategy = policy.Strategy;
        QualityFloor = policy.QualityFloor;
        RequiredCapabilities = policy.RequiredCapabilities;
        Fallbacks = fallbacks;
    }

    public AiRoutingStrategy Strategy { get; }

    public double QualityFloor { get; }

    public AiCapabilities RequiredCapabilities { get; }

    /// <summary>Deployments of the policy's fallback models, in the policy's order.</summary>
    public int[] Fallbacks { get; }
}

using System.ComponentModel.DataAnnotations;

namespace Allixios.AiRouting;

/// <summary>How the router picks a deployment when the request names no model, and where it falls over to when it does.</summary>
public sealed class AiRoutingPolicy
{
    /// <summary>How deployments are ordered. Default: <see cref="AiRoutingStrategy.Cheapest"/>.</summary>
    public AiRoutingStrategy Strategy { get; set; } = AiRoutingStrategy.Cheapest;

    /// <summary>The lowest quality prior (0 to 100) a deployment may have to be picked by the strategy. Default: 0. Does not apply to a model the request names.</summary>
    [Range(0, 100)]
    public double QualityFloor { get; set; }

    /// <summary>The capabilities every call under this policy needs, beyond what the request itself implies. Default: none.</summary>
    public AiCapabilities RequiredCapabilities { get; set; }

    /// <summary>
    /// Models tried in this order after the deployments of the model a request names, when those fail or cannot fit the
    /// request (context length, content policy). Default: none.
    /// </summary>
    public IList<string> Fallbacks { get; } = [];
}

namespace Allixios.AiRouting;

/// <summary>How the router orders the deployments that can serve a request; the first healthy one is called, the rest are its fallbacks.</summary>
public enum AiRoutingStrategy
{
    /// <summary>The cheapest deployment (input plus output price per token) whose quality meets the floor.</summary>
    Cheapest,

    /// <summary>The deployment with the lowest moving-average latency; deployments not called yet count as fastest, so each gets measured.</summary>
    LowestLatency,

    /// <summary>The deployment with the highest quality prior; ties go to the cheaper one.</summary>
    QualityFirst,

    /// <summary>A deployment drawn at random in proportion to its weight; the others follow as fallbacks, cheapest first.</summary>
    Weighted,
}

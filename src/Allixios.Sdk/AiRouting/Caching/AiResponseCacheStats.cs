namespace Allixios.AiRouting.Caching;

/// <summary>What the response cache did on this node since it started, for one tenant or for all.</summary>
public sealed record AiResponseCacheStats
{
    /// <summary>Calls answered by the exact cache.</summary>
    public long ExactHits { get; init; }

    /// <summary>Cacheable calls the exact cache did not hold.</summary>
    public long ExactMisses { get; init; }

    /// <summary>Calls answered by the semantic cache.</summary>
    public long SemanticHits { get; init; }

    /// <summary>Calls in semantic mode that neither cache could answer.</summary>
    public long SemanticMisses { get; init; }

    /// <summary>Answers stored after a miss.</summary>
    public long Stores { get; init; }

    /// <summary>Calls in a caching mode that were not cacheable (non-deterministic without the caller's opt-in).</summary>
    public long Skipped { get; init; }

    /// <summary>Exact hits that callers reported wrong.</summary>
    public long ExactFalseHits { get; init; }

    /// <summary>Semantic hits that callers reported wrong.</summary>
    public long SemanticFalseHits { get; init; }

    /// <summary>The share of semantic hits reported wrong, 0 to 1 (0 without semantic hits).</summary>
    public double SemanticFalseHitRate => SemanticHits == 0 ? 0 : (double)SemanticFalseHits / SemanticHits;
}

namespace Allixios.AiRouting.Caching;

/// <summary>
/// How a response came from the cache, in the response's (or the last stream update's) <c>AdditionalProperties</c> under
/// <see cref="PropertyName"/>. A caller that finds the answer wrong reports <see cref="EntryId"/> with
/// <see cref="AiCachingChatClient.ReportFalseHitAsync"/>: it is counted as a false hit and the entry is dropped.
/// </summary>
public sealed record AiCacheHit
{
    /// <summary>The key under which the hit sits in <c>AdditionalProperties</c>.</summary>
    public const string PropertyName = "allixios.cache_hit";

    /// <summary>The cache that answered: <see cref="AiCacheMode.Exact"/> or <see cref="AiCacheMode.Semantic"/>.</summary>
    public required AiCacheMode Kind { get; init; }

    /// <summary>The entry's id within the tenant, to report a false hit with.</summary>
    public required string EntryId { get; init; }

    /// <summary>The cosine similarity of the last user message to the cached one: 1 for an exact hit.</summary>
    public double Similarity { get; init; } = 1;

    /// <summary>When the answer was cached.</summary>
    public DateTimeOffset CachedAt { get; init; }
}

namespace Allixios.Caching;

/// <summary>
/// The tag and dependency state of the cache: which keys carry a tag, which keys depend on a key, and which tags are in
/// use. In memory in the embedded default; in Redis with <c>.UseRedis(…)</c>, so that every node sees the same state.
/// </summary>
/// <remarks>
/// Edges are stored from the tag or key to the dependent keys, which is the direction an invalidation walks. They live
/// as long as the longest-lived entry that added them; the cache walks them transitively (see
/// <see cref="IAllixiosCache.InvalidateKeyAsync"/>).
/// </remarks>
public interface ICacheDependencyStore
{
    /// <summary>
    /// Records that the entry <paramref name="key"/> carries <paramref name="tags"/> and depends on the keys
    /// <paramref name="dependsOn"/>, for <paramref name="lifetime"/> at least.
    /// </summary>
    ValueTask TrackAsync(string key, IReadOnlyList<string> tags, IReadOnlyList<string> dependsOn, TimeSpan lifetime, CancellationToken cancellationToken = default);

    /// <summary>Whether an entry tracked within its lifetime carried <paramref name="tag"/>.</summary>
    ValueTask<bool> IsKnownTagAsync(string tag, CancellationToken cancellationToken = default);

    /// <summary>The keys that carry <paramref name="tag"/>, forgotten in the same step (the tag stays known).</summary>
    ValueTask<IReadOnlyCollection<string>> TakeTaggedAsync(string tag, CancellationToken cancellationToken = default);

    /// <summary>The keys that depend directly on <paramref name="key"/>, forgotten in the same step.</summary>
    ValueTask<IReadOnlyCollection<string>> TakeDependentsAsync(string key, CancellationToken cancellationToken = default);
}

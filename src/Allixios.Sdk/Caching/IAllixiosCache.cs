namespace Allixios.Caching;

/// <summary>
/// The multi-level cache of Allixios: memory (L1) on every node, Redis (L2) shared by the nodes when
/// <c>.UseRedis(…)</c> is configured, with stampede protection, fail-safe, eager refresh, tags and dependency-aware
/// invalidation that reaches every node through a Redis backplane. Add it with <c>.AddCaching(…)</c>.
/// </summary>
/// <remarks>
/// Values are shared between callers on a node: treat them as immutable. Keys are 1 to
/// <see cref="AllixiosCacheOptions.MaxKeyLength"/> characters and not blank. The cache never fails a call because
/// Redis is unreachable: it falls back to memory and the factory, and counts and logs the error.
/// </remarks>
public interface IAllixiosCache
{
    /// <summary>
    /// Returns the fresh value of <paramref name="key"/>, else makes it with <paramref name="factory"/> (run once however
    /// many callers ask at the same time) and stores it. If the factory fails or times out and a value expired less than
    /// the maximum staleness ago exists, that value is returned instead.
    /// </summary>
    /// <exception cref="AllixiosException">The key, the options or the value made are invalid (<see cref="AllixiosErrorKind.InvalidArgument"/>).</exception>
    /// <exception cref="TimeoutException">The factory ran past its hard timeout and there was no stale value.</exception>
    ValueTask<T> GetOrCreateAsync<TState, T>(
        string key,
        TState state,
        Func<TState, CancellationToken, ValueTask<T>> factory,
        AllixiosCacheEntryOptions? options = null,
        CancellationToken cancellationToken = default);

    /// <summary>The fresh value of <paramref name="key"/>, from memory or Redis; never calls a factory.</summary>
    /// <exception cref="AllixiosException">The key is invalid.</exception>
    ValueTask<CacheLookup<T>> TryGetAsync<T>(string key, CancellationToken cancellationToken = default);

    /// <summary>Stores <paramref name="value"/> under <paramref name="key"/>; other nodes drop their copy of the key.</summary>
    /// <exception cref="AllixiosException">The key, the options or the value are invalid (e.g. <c>cache_value_too_large</c>).</exception>
    ValueTask SetAsync<T>(string key, T value, AllixiosCacheEntryOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Removes <paramref name="key"/> on every node and in Redis, leaving the entries that depend on it alone.</summary>
    /// <exception cref="AllixiosException">The key is invalid.</exception>
    ValueTask RemoveAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>
    /// Removes <paramref name="key"/> and every entry that depends on it, transitively (a dependency cycle ends), on every node.
    /// </summary>
    /// <returns>How many entries were invalidated, <paramref name="key"/> included.</returns>
    /// <exception cref="AllixiosException">The key is invalid.</exception>
    ValueTask<int> InvalidateKeyAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Removes every entry tagged <paramref name="tag"/> and every entry that depends on those, transitively, on every node.</summary>
    /// <returns>How many entries were invalidated; 0 when the tag is known but no live entry carries it any longer.</returns>
    /// <exception cref="AllixiosException">
    /// The tag is malformed (<c>cache_tag_invalid</c>), or no entry was tagged with it within the entries' lifetime
    /// (<c>cache_tag_unknown</c>, usually a typo).
    /// </exception>
    ValueTask<int> InvalidateTagAsync(string tag, CancellationToken cancellationToken = default);

    /// <summary>What this node's cache has done since it started.</summary>
    AllixiosCacheStats GetStats();
}

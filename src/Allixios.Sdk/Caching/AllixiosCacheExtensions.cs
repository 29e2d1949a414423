namespace Allixios.Caching;

/// <summary>Shorter forms of <see cref="IAllixiosCache"/> calls.</summary>
public static class AllixiosCacheExtensions
{
    /// <summary>
    /// <see cref="IAllixiosCache.GetOrCreateAsync{TState, T}"/> with a factory that takes no state. On hot paths prefer
    /// the state overload with a static lambda, which allocates no closure.
    /// </summary>
    public static ValueTask<T> GetOrCreateAsync<T>(
        this IAllixiosCache cache,
        string key,
        Func<CancellationToken, ValueTask<T>> factory,
        AllixiosCacheEntryOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cache);
        ArgumentNullException.ThrowIfNull(factory);
        return cache.GetOrCreateAsync(key, factory, static (f, ct) => f(ct), options, cancellationToken);
    }
}

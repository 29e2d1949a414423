namespace Allixios.Caching;

/// <summary>
/// How one entry is cached. Every property left <see langword="null"/> takes its default from
/// <see cref="AllixiosCacheOptions"/>. Durations must be positive; a bad value fails the call with
/// <see cref="AllixiosErrorKind.InvalidArgument"/>.
/// </summary>
public sealed class AllixiosCacheEntryOptions
{
    /// <summary>How long the entry is fresh. Default: <see cref="AllixiosCacheOptions.DefaultExpiration"/>.</summary>
    public TimeSpan? Expiration { get; init; }

    /// <summary>How long a node keeps the entry in memory at most. Default: <see cref="AllixiosCacheOptions.DefaultLocalExpiration"/>.</summary>
    public TimeSpan? LocalExpiration { get; init; }

    /// <summary>
    /// Tags the entry belongs to; <see cref="IAllixiosCache.InvalidateTagAsync"/> removes every entry with the tag (and
    /// their dependents). Depending on a tag is the same as carrying it. 1 to 128 characters of letters, digits and
    /// <c>- _ . : /</c>; at most 32 tags.
    /// </summary>
    public IReadOnlyList<string>? Tags { get; init; }

    /// <summary>
    /// Keys of other entries this one is derived from: invalidating any of them (see
    /// <see cref="IAllixiosCache.InvalidateKeyAsync"/>) removes this one too, transitively. At most 32.
    /// </summary>
    public IReadOnlyList<string>? DependsOn { get; init; }

    /// <summary>
    /// Fail-safe: how long after expiring the entry may be served when its factory fails or times out; zero turns it
    /// off. Default: <see cref="AllixiosCacheOptions.DefaultMaxStaleness"/>.
    /// </summary>
    public TimeSpan? MaxStaleness { get; init; }

    /// <summary>
    /// When a stale value exists, how long to wait for the factory before returning the stale value (the factory then
    /// completes in the background). Default: <see cref="AllixiosCacheOptions.DefaultFactorySoftTimeout"/>.
    /// </summary>
    public TimeSpan? FactorySoftTimeout { get; init; }

    /// <summary>How long the factory may run before it is cancelled. Default: <see cref="AllixiosCacheOptions.DefaultFactoryHardTimeout"/>.</summary>
    public TimeSpan? FactoryHardTimeout { get; init; }

    /// <summary>
    /// The fraction of the lifetime after which a hit refreshes the entry in the background; 0 turns it off, else 0.5 to 0.99.
    /// Default: <see cref="AllixiosCacheOptions.DefaultEagerRefreshThreshold"/>.
    /// </summary>
    public double? EagerRefreshThreshold { get; init; }
}

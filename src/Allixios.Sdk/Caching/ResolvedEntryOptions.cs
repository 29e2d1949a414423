namespace Allixios.Caching;

/// <summary>An entry's settings after checking, with the defaults filled in; zero timeouts mean "none".</summary>
internal sealed record ResolvedEntryOptions(
    TimeSpan Expiration,
    TimeSpan LocalExpiration,
    TimeSpan MaxStaleness,
    TimeSpan SoftTimeout,
    TimeSpan HardTimeout,
    double EagerRefreshThreshold,
    string[]? Tags,
    string[]? DependsOn)
{
    public static ResolvedEntryOptions From(AllixiosCacheOptions options) => new(
        options.DefaultExpiration,
        options.DefaultLocalExpiration,
        options.DefaultMaxStaleness,
        options.DefaultFactorySoftTimeout,
        options.DefaultFactoryHardTimeout,
        options.DefaultEagerRefreshThreshold,
        Tags: null,
        DependsOn: null);

    /// <summary>How long the entry is kept at all: fresh, then stale for fail-safe.</summary>
    public TimeSpan PhysicalLifetime => Expiration + MaxStaleness;
}

namespace Allixios.Caching;

/// <summary>What one node's cache has done since it started; the same figures are exported as <c>allixios.cache.*</c> metrics.</summary>
public sealed record AllixiosCacheStats
{
    /// <summary>Fresh values found in memory.</summary>
    public long L1Hits { get; init; }

    /// <summary>Lookups that found no fresh value in memory.</summary>
    public long L1Misses { get; init; }

    /// <summary>Fresh values found in Redis.</summary>
    public long L2Hits { get; init; }

    /// <summary>Lookups in Redis that found no fresh value (0 without Redis).</summary>
    public long L2Misses { get; init; }

    /// <summary>Factory runs.</summary>
    public long FactoryRuns { get; init; }

    /// <summary>Callers that joined a factory run already under way instead of starting their own (factory calls saved).</summary>
    public long StampedeJoins { get; init; }

    /// <summary>Expired values served because the factory failed or was slow (fail-safe).</summary>
    public long StaleServed { get; init; }

    /// <summary>Background refreshes started before an entry expired.</summary>
    public long EagerRefreshes { get; init; }

    /// <summary>Entries invalidated by this node (removals, key and tag invalidations and their dependents).</summary>
    public long Invalidations { get; init; }

    /// <summary>Backplane messages this node sent.</summary>
    public long BackplaneSent { get; init; }

    /// <summary>Backplane messages from other nodes this node received.</summary>
    public long BackplaneReceived { get; init; }

    /// <summary>Errors of Redis (L2, backplane, dependency state) and of factories, none of which failed a call by itself.</summary>
    public long Errors { get; init; }
}

using System.ComponentModel;
using System.Text.Json.Serialization;

namespace Allixios.Caching;

/// <summary>
/// What the cache stores under a key: the value with its logical lifetime. Stored physically for longer (expiration
/// plus the maximum staleness), so that an expired value can still be served when its factory or Redis fails.
/// </summary>
/// <remarks>
/// Sealed and marked immutable so that HybridCache keeps the instance itself in memory instead of a serialized copy
/// that it would deserialize on every hit. The two <see cref="JsonIgnoreAttribute"/> fields belong to one node's memory
/// only and are set before the instance is put there.
/// </remarks>
[ImmutableObject(true)]
internal sealed class CacheEnvelope<T>
{
    public T Value { get; init; } = default!;

    /// <summary>When the value was made, in Unix milliseconds.</summary>
    public long CreatedAt { get; init; }

    /// <summary>When the value stops being fresh, in Unix milliseconds.</summary>
    public long ExpiresAt { get; init; }

    /// <summary>After this (Unix milliseconds) a hit starts an eager refresh; <see cref="long.MaxValue"/> when off.</summary>
    public long RefreshAt { get; init; } = long.MaxValue;

    public string[]? Tags { get; init; }

    public string[]? DependsOn { get; init; }

    /// <summary>When this node put the instance in its memory (Unix ms); older than the node's last Redis reconnect means "may be stale".</summary>
    [JsonIgnore]
    public long LocalStoredAt { get; set; }

    /// <summary>Until when this node serves the instance from memory as fresh (Unix ms): the earlier of the expiry and the local expiration.</summary>
    [JsonIgnore]
    public long LocalFreshUntil { get; set; }

    /// <summary>A copy with another expiry, for the fail-safe throttle: the stale value served again for a short while.</summary>
    public CacheEnvelope<T> WithExpiry(long expiresAt) => new()
    {
        Value = Value,
        CreatedAt = CreatedAt,
        ExpiresAt = expiresAt,
        Tags = Tags,
        DependsOn = DependsOn,
    };
}

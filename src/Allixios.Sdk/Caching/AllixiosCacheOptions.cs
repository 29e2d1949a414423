using System.ComponentModel.DataAnnotations;

namespace Allixios.Caching;

/// <summary>
/// The cache's defaults and limits, bound from <c>Allixios:Cache</c>. Each entry may override the defaults with an
/// <see cref="AllixiosCacheEntryOptions"/>.
/// </summary>
public sealed class AllixiosCacheOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "Allixios:Cache";

    /// <summary>How long an entry is fresh after it was made. Default: 5 minutes. Range: 1 second to 30 days.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00", ErrorMessage = "Allixios:Cache:DefaultExpiration must be from 1 second to 30 days.")]
    public TimeSpan DefaultExpiration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long a node keeps an entry in its memory (L1) at most; shorter than <see cref="DefaultExpiration"/> bounds
    /// how long a node could serve a value whose invalidation it missed. Default: 5 minutes. Range: 1 second to 30 days.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00", ErrorMessage = "Allixios:Cache:DefaultLocalExpiration must be from 1 second to 30 days.")]
    public TimeSpan DefaultLocalExpiration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Fail-safe: how long after it expired an entry may still be served when its factory fails or times out.
    /// <see cref="TimeSpan.Zero"/> turns fail-safe off. Default: 10 minutes. Range: 0 to 7 days.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "7.00:00:00", ErrorMessage = "Allixios:Cache:DefaultMaxStaleness must be from 0 to 7 days.")]
    public TimeSpan DefaultMaxStaleness { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// After the factory failed and a stale value was served, how long that stale value is served without calling the
    /// factory again, so a failing backend is not hammered. Default: 10 seconds. Range: 1 second to 1 hour.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00", ErrorMessage = "Allixios:Cache:FailSafeThrottle must be from 1 second to 1 hour.")]
    public TimeSpan FailSafeThrottle { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// When a stale value exists and the factory has not answered within this time, the stale value is returned and
    /// the factory finishes in the background. <see cref="TimeSpan.Zero"/>: no soft timeout. Default: 0. Range: 0 to 10 minutes.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00", ErrorMessage = "Allixios:Cache:DefaultFactorySoftTimeout must be from 0 to 10 minutes.")]
    public TimeSpan DefaultFactorySoftTimeout { get; set; } = TimeSpan.Zero;

    /// <summary>
    /// The factory is cancelled after this time; a stale value is served if there is one, else the call fails with a
    /// <see cref="TimeoutException"/>. <see cref="TimeSpan.Zero"/>: no hard timeout. Default: 0. Range: 0 to 1 hour.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00", ErrorMessage = "Allixios:Cache:DefaultFactoryHardTimeout must be from 0 to 1 hour.")]
    public TimeSpan DefaultFactoryHardTimeout { get; set; } = TimeSpan.Zero;

    /// <summary>
    /// Eager refresh: a hit after this fraction of an entry's lifetime starts a background refresh, so hot entries never
    /// expire under their callers. 0 turns it off. Default: 0 (off). Range: 0, or 0.5 to 0.99.
    /// </summary>
    [Range(0.0, 0.99, ErrorMessage = "Allixios:Cache:DefaultEagerRefreshThreshold must be 0 (off) or from 0.5 to 0.99.")]
    public double DefaultEagerRefreshThreshold { get; set; }

    /// <summary>The longest key accepted, in characters. Default: 256. Range: 16 to 1024.</summary>
    [Range(16, 1024, ErrorMessage = "Allixios:Cache:MaxKeyLength must be from 16 to 1024.")]
    public int MaxKeyLength { get; set; } = 256;

    /// <summary>The largest value accepted, in serialized (UTF-8 JSON) bytes. Default: 1 MiB. Range: 1 KiB to 64 MiB.</summary>
    [Range(1024, 64 * 1024 * 1024, ErrorMessage = "Allixios:Cache:MaxValueBytes must be from 1024 (1 KiB) to 67108864 (64 MiB).")]
    public int MaxValueBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// With Redis: the prefix of every Redis key and of the backplane channel, so that several deployments (or tests)
    /// can share one Redis. Default: <c>allixios:cache:</c>. 1 to 100 characters.
    /// </summary>
    [Required]
    [StringLength(100, MinimumLength = 1, ErrorMessage = "Allixios:Cache:RedisPrefix must be 1 to 100 characters.")]
    public string RedisPrefix { get; set; } = "allixios:cache:";

    /// <summary>
    /// With Redis: how long one Redis call of the cache (an L2 read or write, a tag or dependency lookup, a backplane
    /// message) may take before it is given up and counted as an error, so a hung Redis slows no caller for longer.
    /// Default: 500 milliseconds. Range: 10 milliseconds to 30 seconds.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:00:30", ErrorMessage = "Allixios:Cache:DistributedTimeout must be from 10 milliseconds to 30 seconds.")]
    public TimeSpan DistributedTimeout { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// How often at most an L2, backplane or dependency-store error is logged; the errors in between are counted and
    /// reported with the next log line. Default: 30 seconds. Range: 1 second to 1 hour.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00", ErrorMessage = "Allixios:Cache:ErrorLogInterval must be from 1 second to 1 hour.")]
    public TimeSpan ErrorLogInterval { get; set; } = TimeSpan.FromSeconds(30);
}

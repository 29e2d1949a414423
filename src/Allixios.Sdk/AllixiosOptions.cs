using System.ComponentModel.DataAnnotations;

namespace Allixios;

/// <summary>Options that apply to the whole Allixios engine, bound from the <c>Allixios</c> configuration section.</summary>
public sealed class AllixiosOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "Allixios";

    /// <summary>
    /// A name for this engine instance, shown in logs and telemetry. Default: the machine name.
    /// 1 to 100 characters.
    /// </summary>
    [Required]
    [StringLength(100, MinimumLength = 1)]
    public string InstanceName { get; set; } = Environment.MachineName;

    /// <summary>
    /// A bootstrap key with the <c>admin</c> scope for the <c>system</c> tenant, from configuration.
    /// Default: none, in which case a key is generated and logged once when no admin key exists yet.
    /// 24 to 200 characters when set.
    /// </summary>
    [StringLength(200, MinimumLength = 24)]
    public string? BootstrapAdminKey { get; set; }

    /// <summary>
    /// How long the last-used time of an API key may lag behind its real last use, so that a busy
    /// key is not written to the store on every request. Default: 1 minute. Range: 0 to 1 hour.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan ApiKeyLastUsedResolution { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How long a verified API key is remembered in memory, so that requests with it skip the key store. Expiry is
    /// still checked on every request, and a key revoked through this process stops at once; a key revoked through
    /// another replica sharing the store stops here within this time. Default: 10 seconds. Range: 0 (every request
    /// reads the store) to 5 minutes.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan ApiKeyCacheDuration { get; set; } = TimeSpan.FromSeconds(10);
}

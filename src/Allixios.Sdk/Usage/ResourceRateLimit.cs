using System.ComponentModel.DataAnnotations;

namespace Allixios.Usage;

/// <summary>A resource's limits per clock minute, across every replica; a limit left unset does not apply.</summary>
public sealed class ResourceRateLimit
{
    /// <summary>Requests a minute. Default: none (unlimited). Range: 1 to 100,000,000.</summary>
    [Range(1, 100_000_000)]
    public long? RequestsPerMinute { get; set; }

    /// <summary>Tokens a minute. Default: none (unlimited). Range: 1 to 10,000,000,000.</summary>
    [Range(1, 10_000_000_000)]
    public long? TokensPerMinute { get; set; }
}

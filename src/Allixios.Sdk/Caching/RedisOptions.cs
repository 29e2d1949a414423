using System.ComponentModel.DataAnnotations;

namespace Allixios.Caching;

/// <summary>Redis for the L2 cache, the invalidation backplane and shared counters, bound from <c>Allixios:Redis</c>.</summary>
public sealed class RedisOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "Allixios:Redis";

    /// <summary>A StackExchange.Redis configuration string, e.g. <c>localhost:6379,password=…</c>. Required.</summary>
    [Required(ErrorMessage = "Allixios:Redis:Configuration is required to use Redis.")]
    public string Configuration { get; set; } = string.Empty;
}

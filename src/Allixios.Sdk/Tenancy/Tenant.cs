namespace Allixios.Tenancy;

/// <summary>A tenant: one customer of the platform, whose data, keys, limits and features are its own.</summary>
/// <param name="Id">The tenant id: 3 to 63 lower-case letters, digits and hyphens (see <see cref="TenantIds"/>).</param>
/// <param name="DisplayName">A name for people.</param>
/// <param name="Limits">Per-tenant limits as data, e.g. <c>jobs.concurrency = 4</c>; capabilities read the keys they own.</param>
/// <param name="Features">Per-tenant feature flags as data, e.g. <c>search.semantic = true</c>.</param>
/// <param name="CreatedAt">When the tenant was created.</param>
/// <param name="UpdatedAt">When the tenant was last changed.</param>
public sealed record Tenant(
    string Id,
    string DisplayName,
    IReadOnlyDictionary<string, long> Limits,
    IReadOnlyDictionary<string, bool> Features,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    /// <summary>The value of a limit, or <paramref name="fallback"/> when the tenant does not set it.</summary>
    public long GetLimit(string name, long fallback) => Limits.TryGetValue(name, out var value) ? value : fallback;

    /// <summary>Whether a feature is on, or <paramref name="fallback"/> when the tenant does not set it.</summary>
    public bool IsEnabled(string feature, bool fallback = false) => Features.TryGetValue(feature, out var on) ? on : fallback;
}

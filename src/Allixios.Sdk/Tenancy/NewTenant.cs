namespace Allixios.Tenancy;

/// <summary>What is needed to create a tenant.</summary>
/// <param name="Id">The tenant id (see <see cref="TenantIds"/>).</param>
/// <param name="DisplayName">A name for people; defaults to the id when empty.</param>
/// <param name="Limits">Initial limits, if any.</param>
/// <param name="Features">Initial feature flags, if any.</param>
public sealed record NewTenant(
    string Id,
    string? DisplayName = null,
    IReadOnlyDictionary<string, long>? Limits = null,
    IReadOnlyDictionary<string, bool>? Features = null);

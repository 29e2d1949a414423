namespace Allixios.Tenancy;

/// <summary>A change to a tenant: each part left <see langword="null"/> keeps its current value.</summary>
/// <param name="DisplayName">A new display name.</param>
/// <param name="Limits">Limits to set; a value below zero removes that limit.</param>
/// <param name="Features">Feature flags to set.</param>
/// <param name="RemovedFeatures">Feature flags to remove, so the capability's default applies again.</param>
public sealed record TenantChanges(
    string? DisplayName = null,
    IReadOnlyDictionary<string, long>? Limits = null,
    IReadOnlyDictionary<string, bool>? Features = null,
    IReadOnlyCollection<string>? RemovedFeatures = null);

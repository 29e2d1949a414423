namespace Allixios.Runtime.Caching;

/// <summary>
/// The surrogate keys the runtime's answers are tagged with, in one place, so that whatever purges them (a change of
/// a tenant purges <c>tenant:{id}</c>) names the same keys the answers were filed under. Tenant ids and key ids
/// hold only letters, digits, hyphens and underscores, so every key is a valid tag.
/// </summary>
internal static class SurrogateKeyNames
{
    /// <summary>The list of tenants.</summary>
    public const string Tenants = "tenants";

    /// <summary>Anything showing the tenant itself (its name, limits, features), and everything under it.</summary>
    public static string Tenant(string tenantId) => "tenant:" + tenantId;

    /// <summary>The list of a tenant's API keys.</summary>
    public static string ApiKeys(string tenantId) => "api-keys:" + tenantId;

    /// <summary>Anything showing one API key.</summary>
    public static string ApiKey(string keyId) => "api-key:" + keyId;

    /// <summary>A tenant's audit log.</summary>
    public static string AuditLog(string tenantId) => "audit-log:" + tenantId;
}

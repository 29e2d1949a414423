namespace Allixios.Runtime.Security;

/// <summary>The claim types of an API-key caller.</summary>
internal static class CallerClaims
{
    public const string TenantId = "allixios:tenant_id";
    public const string KeyId = "allixios:key_id";
    public const string KeyName = "allixios:key_name";
    public const string Scope = "allixios:scope";
}

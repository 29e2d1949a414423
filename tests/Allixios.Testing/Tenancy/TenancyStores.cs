using Allixios.Tenancy;

namespace Allixios.Testing.Tenancy;

/// <summary>One implementation's set of tenancy stores, fresh for each test. The stores of one set share their data.</summary>
/// <param name="Tenants">The tenant store.</param>
/// <param name="ApiKeys">The API key store; it needs the tenants of <paramref name="Tenants"/> to exist.</param>
/// <param name="AuditLog">The audit log.</param>
public sealed record TenancyStores(ITenantStore Tenants, IApiKeyStore ApiKeys, IAuditLog AuditLog);

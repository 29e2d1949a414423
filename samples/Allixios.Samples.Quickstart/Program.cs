// The Allixios.Sdk README quick start, run against the package: exits 0 only if every step worked.
using Allixios.Tenancy;
using Microsoft.Extensions.DependencyInjection;

var services = new ServiceCollection();
services.AddAllixios();                       // embedded default: in-memory stores

await using var provider = services.BuildServiceProvider();
var admin = provider.GetRequiredService<TenantAdministration>();
await admin.CreateTenantAsync(new NewTenant("acme", "Acme Corp"), actor: "quickstart");
var issued = await admin.IssueApiKeyAsync("acme", new NewApiKey("ci", ["content:read"]), actor: "quickstart");
Console.WriteLine($"Issued key {issued.Key.Id} ({issued.Key.Prefix}…) for tenant '{issued.Key.TenantId}'.");

// The secret is what a caller presents; the authenticator resolves the tenant from it.
var authenticator = provider.GetRequiredService<ApiKeyAuthenticator>();
var result = await authenticator.AuthenticateAsync(issued.Secret);
if (!result.Succeeded || result.Key is null)
{
    Console.Error.WriteLine($"The issued key did not authenticate: {result.Message}");
    return 1;
}

var tenant = await admin.GetTenantAsync(result.Key.TenantId);
Console.WriteLine($"Authenticated as tenant '{tenant.Id}' ({tenant.DisplayName}) with scopes {string.Join(", ", result.Key.Scopes)}.");

var forged = await authenticator.AuthenticateAsync(issued.Secret + "x");
if (tenant.Id != "acme" || forged.Succeeded)
{
    Console.Error.WriteLine($"Expected tenant 'acme' and a refused forged key; got '{tenant.Id}' and {forged.Outcome}.");
    return 1;
}

Console.WriteLine($"A forged key is refused ({forged.Outcome}). Quickstart OK.");
return 0;

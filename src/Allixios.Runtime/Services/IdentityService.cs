using Allixios.Runtime.Caching;
using Allixios.Runtime.Contracts.V1;
using Allixios.Runtime.Security;
using Allixios.Tenancy;
using Grpc.Core;

namespace Allixios.Runtime.Services;

/// <summary>Tells callers who they are: the tenant, key and scopes of their API key.</summary>
internal sealed class IdentityService(ITenantStore tenants) : Identity.IdentityBase
{
    public override async Task<WhoAmIResponse> WhoAmI(WhoAmIRequest request, ServerCallContext context)
    {
        var caller = Caller.From(context);
        var tenant = await tenants.GetAsync(caller.TenantId, context.CancellationToken);
        var response = new WhoAmIResponse
        {
            TenantId = caller.TenantId,
            TenantDisplayName = tenant?.DisplayName ?? caller.TenantId,
            KeyId = caller.KeyId,
            KeyName = caller.KeyName,
        };
        response.Scopes.Add(caller.Scopes.Order(StringComparer.Ordinal));

        // The answer shows the tenant's display name and the key's own name and scopes.
        context.AddSurrogateKeys(SurrogateKeyNames.Tenant(caller.TenantId), SurrogateKeyNames.ApiKey(caller.KeyId));
        return response;
    }
}

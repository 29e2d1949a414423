using Allixios.Runtime.Caching;
using Allixios.Runtime.Contracts.V1;
using Allixios.Runtime.Security;
using Allixios.Tenancy;
using Grpc.Core;

namespace Allixios.Runtime.Services;

/// <summary>API key administration over gRPC and HTTP/JSON.</summary>
internal sealed class ApiKeysService(TenantAdministration administration) : ApiKeys.ApiKeysBase
{
    public override async Task<CreateApiKeyResponse> CreateApiKey(CreateApiKeyRequest request, ServerCallContext context)
    {
        var caller = Caller.From(context);
        caller.Require(ApiScopes.KeysWrite, request.TenantId);
        var issued = await administration.IssueApiKeyAsync(
            request.TenantId,
            new NewApiKey(request.Name, request.Scopes, request.ExpireTime?.ToDateTimeOffset()),
            caller.KeyId,
            context.CancellationToken);
        return new CreateApiKeyResponse { ApiKey = issued.Key.ToContract(), Secret = issued.Secret };
    }

    public override async Task<ListApiKeysResponse> ListApiKeys(ListApiKeysRequest request, ServerCallContext context)
    {
        Caller.From(context).Require(ApiScopes.KeysRead, request.TenantId);
        var keys = await administration.ListApiKeysAsync(request.TenantId, context.CancellationToken);
        var response = new ListApiKeysResponse();
        response.ApiKeys.Add(keys.Select(k => k.ToContract()));
        context.AddSurrogateKeys(SurrogateKeyNames.Tenant(request.TenantId), SurrogateKeyNames.ApiKeys(request.TenantId));
        return response;
    }

    public override async Task<Contracts.V1.ApiKey> RevokeApiKey(RevokeApiKeyRequest request, ServerCallContext context)
    {
        var caller = Caller.From(context);
        caller.Require(ApiScopes.KeysWrite, request.TenantId);
        return (await administration.RevokeApiKeyAsync(request.TenantId, request.KeyId, caller.KeyId, context.CancellationToken)).ToContract();
    }
}

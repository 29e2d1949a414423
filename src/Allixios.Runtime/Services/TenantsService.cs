using Allixios.Runtime.Caching;
using Allixios.Runtime.Contracts.V1;
using Allixios.Runtime.Security;
using Allixios.Tenancy;
using Grpc.Core;

namespace Allixios.Runtime.Services;

/// <summary>Tenant administration over gRPC and HTTP/JSON.</summary>
internal sealed class TenantsService(TenantAdministration administration) : Tenants.TenantsBase
{
    public override async Task<Contracts.V1.Tenant> CreateTenant(CreateTenantRequest request, ServerCallContext context)
    {
        var caller = Caller.From(context);
        caller.Require(ApiScopes.Admin);
        var tenant = await administration.CreateTenantAsync(
            new NewTenant(request.TenantId, request.DisplayName, request.Limits, request.Features),
            caller.KeyId,
            context.CancellationToken);
        return tenant.ToContract();
    }

    public override async Task<Contracts.V1.Tenant> GetTenant(GetTenantRequest request, ServerCallContext context)
    {
        // Any key may read its own tenant; reading another needs admin.
        var caller = Caller.From(context);
        if (!caller.IsAdmin && request.TenantId != caller.TenantId)
        {
            caller.Require(ApiScopes.Admin, request.TenantId);
        }

        var tenant = await administration.GetTenantAsync(request.TenantId, context.CancellationToken);
        context.AddSurrogateKeys(SurrogateKeyNames.Tenant(tenant.Id));
        return tenant.ToContract();
    }

    public override async Task<ListTenantsResponse> ListTenants(ListTenantsRequest request, ServerCallContext context)
    {
        Caller.From(context).Require(ApiScopes.Admin);
        var size = PageTokens.Size(request.PageSize);
        var page = await administration.ListTenantsAsync(PageTokens.Decode(request.PageToken), size, context.CancellationToken);
        var response = new ListTenantsResponse { NextPageToken = page.Count == size ? PageTokens.Encode(page[^1].Id) : string.Empty };
        response.Tenants.Add(page.Select(t => t.ToContract()));

        // The collection, not each tenant on the page: a page of 500 tags would outgrow the CDNs' header limit.
        context.AddSurrogateKeys(SurrogateKeyNames.Tenants);
        return response;
    }

    public override async Task<Contracts.V1.Tenant> UpdateTenant(UpdateTenantRequest request, ServerCallContext context)
    {
        var caller = Caller.From(context);
        caller.Require(ApiScopes.Admin);
        var changes = new TenantChanges(
            request.HasDisplayName ? request.DisplayName : null,
            request.Limits,
            request.Features,
            request.RemovedFeatures);
        return (await administration.UpdateTenantAsync(request.TenantId, changes, caller.KeyId, context.CancellationToken)).ToContract();
    }

    public override async Task<ListAuditLogResponse> ListAuditLog(ListAuditLogRequest request, ServerCallContext context)
    {
        Caller.From(context).Require(ApiScopes.Admin, request.TenantId);
        var entries = await administration.ListAuditLogAsync(request.TenantId, PageTokens.Size(request.PageSize), context.CancellationToken);
        var response = new ListAuditLogResponse();
        response.Entries.Add(entries.Select(e => e.ToContract()));
        context.AddSurrogateKeys(SurrogateKeyNames.Tenant(request.TenantId), SurrogateKeyNames.AuditLog(request.TenantId));
        return response;
    }
}

using Allixios.Runtime.Contracts.V1;
using Allixios.Runtime.Security;
using Allixios.Tenancy;
using Allixios.Usage;
using Grpc.Core;

namespace Allixios.Runtime.Services;

/// <summary>The usage ledger and its analytics over gRPC and HTTP/JSON.</summary>
internal sealed class UsageService(IUsageLedger ledger) : Contracts.V1.Usage.UsageBase
{
    public override async Task<ListUsageResponse> ListUsage(ListUsageRequest request, ServerCallContext context)
    {
        if (request.PageSize is < 0 or > 1000)
        {
            throw new AllixiosException(AllixiosErrorKind.InvalidArgument, "invalid_page_size", $"Page size {request.PageSize} is out of range: use 1 to 1000, or 0 for 100.");
        }

        var query = Query(context, request.Filter) with
        {
            Limit = request.PageSize == 0 ? 100 : request.PageSize,
            Before = request.BeforeEntryId is { Length: > 0 } before ? UsageMapping.EntryId(before) : null,
        };
        var response = new ListUsageResponse();
        response.Entries.Add((await ledger.ListAsync(query, context.CancellationToken)).Select(e => e.ToContract()));
        return response;
    }

    public override async Task<SummarizeUsageResponse> SummarizeUsage(SummarizeUsageRequest request, ServerCallContext context)
    {
        var query = Query(context, request.Filter);
        var groupBy = UsageMapping.Dimensions(request.GroupBy);
        var response = new SummarizeUsageResponse();
        response.Rows.Add((await ledger.SummarizeAsync(query, groupBy, context.CancellationToken)).Select(r => r.ToContract()));
        return response;
    }

    private static UsageQuery Query(ServerCallContext context, UsageFilter? filter)
    {
        filter ??= new UsageFilter();
        var caller = Caller.From(context);
        string? tenant;
        if (filter.AllTenants)
        {
            if (!caller.IsAdmin)
            {
                throw new RpcException(new Status(StatusCode.PermissionDenied, "Only an admin key may read every tenant's usage (all_tenants); leave it out to read your own tenant's."));
            }

            tenant = null;
        }
        else
        {
            tenant = filter.TenantId is { Length: > 0 } requested ? requested : caller.TenantId;
            caller.Require(ApiScopes.UsageRead, tenant);
        }

        var from = filter.StartTime?.ToDateTimeOffset();
        var to = filter.EndTime?.ToDateTimeOffset();
        if (from is { } f && to is { } t && t <= f)
        {
            throw new AllixiosException(AllixiosErrorKind.InvalidArgument, "invalid_time_range", $"The end time {t:O} is not after the start time {f:O}.");
        }

        return new UsageQuery(tenant)
        {
            From = from,
            To = to,
            ApiKeyId = Optional(filter.ApiKeyId),
            Model = Optional(filter.Model),
            Provider = Optional(filter.Provider),
            JobType = Optional(filter.JobType),
        };
    }

    private static string? Optional(string value) => value is { Length: > 0 } ? value : null;
}

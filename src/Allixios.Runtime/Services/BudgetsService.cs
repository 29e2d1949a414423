using Allixios.Runtime.Contracts.V1;
using Allixios.Runtime.Security;
using Allixios.Tenancy;
using Allixios.Usage;
using Grpc.Core;

namespace Allixios.Runtime.Services;

/// <summary>Budgets over gRPC and HTTP/JSON: checks the caller's scope and tenant, then hands over to <see cref="BudgetClient"/>.</summary>
internal sealed class BudgetsService(BudgetClient budgets) : Contracts.V1.Budgets.BudgetsBase
{
    public override async Task<Contracts.V1.Budget> CreateBudget(CreateBudgetRequest request, ServerCallContext context)
    {
        var tenant = Tenant(context, request.TenantId, ApiScopes.BudgetsWrite);
        var period = BudgetWindow.Parse(request.Period)
            ?? throw new AllixiosException(AllixiosErrorKind.InvalidArgument, "invalid_period", $"'{request.Period}' is not a budget period: use 'day' or 'month'.");
        var budget = new NewBudget(period, request.Currency, UsageMapping.Amount(request.Limit, "limit"))
        {
            ApiKeyId = request.ApiKeyId is { Length: > 0 } key ? key : null,
            Name = request.Name is { Length: > 0 } name ? name : null,
            WarningRatio = request.HasWarningRatio ? UsageMapping.Amount(request.WarningRatio, "warning_ratio") : 0.8m,
        };
        return (await budgets.CreateAsync(tenant, budget, context.CancellationToken)).ToContract();
    }

    public override async Task<ListBudgetsResponse> ListBudgets(ListBudgetsRequest request, ServerCallContext context)
    {
        var tenant = Tenant(context, request.TenantId, ApiScopes.BudgetsRead);
        var response = new ListBudgetsResponse();
        response.Budgets.Add((await budgets.ListAsync(tenant, context.CancellationToken)).Select(b => b.ToContract()));
        return response;
    }

    public override async Task<Contracts.V1.Budget> GetBudget(GetBudgetRequest request, ServerCallContext context)
    {
        var tenant = Tenant(context, request.TenantId, ApiScopes.BudgetsRead);
        return (await budgets.GetAsync(tenant, UsageMapping.BudgetId(request.BudgetId), context.CancellationToken)).ToContract();
    }

    public override async Task<Contracts.V1.Budget> UpdateBudget(UpdateBudgetRequest request, ServerCallContext context)
    {
        var tenant = Tenant(context, request.TenantId, ApiScopes.BudgetsWrite);
        var changes = new BudgetChanges
        {
            Limit = request.HasLimit ? UsageMapping.Amount(request.Limit, "limit") : null,
            WarningRatio = request.HasWarningRatio ? UsageMapping.Amount(request.WarningRatio, "warning_ratio") : null,
            Name = request.HasName ? request.Name : null,
        };
        return (await budgets.UpdateAsync(tenant, UsageMapping.BudgetId(request.BudgetId), changes, context.CancellationToken)).ToContract();
    }

    public override async Task<DeleteBudgetResponse> DeleteBudget(DeleteBudgetRequest request, ServerCallContext context)
    {
        var tenant = Tenant(context, request.TenantId, ApiScopes.BudgetsWrite);
        await budgets.DeleteAsync(tenant, UsageMapping.BudgetId(request.BudgetId), context.CancellationToken);
        return new DeleteBudgetResponse();
    }

    private static string Tenant(ServerCallContext context, string requested, string scope)
    {
        var caller = Caller.From(context);
        var tenant = requested is { Length: > 0 } ? requested : caller.TenantId;
        caller.Require(scope, tenant);
        return tenant;
    }
}

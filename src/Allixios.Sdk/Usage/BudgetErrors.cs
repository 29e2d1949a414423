namespace Allixios.Usage;

/// <summary>The errors budgets report, in one place so both stores and the client word them alike.</summary>
internal static class BudgetErrors
{
    public static AllixiosException Exists(Budget budget) => AllixiosException.Exists(
        "budget_exists",
        $"Tenant '{budget.TenantId}' already has a {(budget.Period == BudgetPeriod.Day ? "daily" : "monthly")} {budget.Currency} budget for "
            + (budget.ApiKeyId is null ? "the whole tenant" : $"API key '{budget.ApiKeyId}'")
            + "; change that one instead.");

    public static AllixiosException NotFound(string tenantId, Guid budgetId) =>
        AllixiosException.NotFound("budget_not_found", $"Tenant '{tenantId}' has no budget {budgetId}.");
}

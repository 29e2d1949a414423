namespace Allixios.Usage;

/// <summary>The one decision both stores make once they hold the applicable budgets: refuse, or grant with warnings.</summary>
internal static class BudgetCheck
{
    /// <summary>The first refusal among <paramref name="budgets"/> (already as of now), or none.</summary>
    public static BudgetRefusal? Refuse(IEnumerable<Budget> budgets, decimal amount, string currency)
    {
        foreach (var b in budgets)
        {
            if (!string.Equals(b.Currency, currency, StringComparison.Ordinal))
            {
                return Refusal(b, amount, BudgetReasons.CurrencyMismatch);
            }

            // A zero estimate must not slip past a budget that is already used up.
            var over = amount > 0 ? b.Spent + b.Reserved + amount > b.Limit : b.Spent + b.Reserved >= b.Limit;
            if (over)
            {
                return Refusal(b, amount, BudgetReasons.Exhausted);
            }
        }

        return null;
    }

    /// <summary>The budgets (already holding the new reservation) at or over their warning threshold.</summary>
    public static IReadOnlyList<BudgetWarning> Warnings(IEnumerable<Budget> budgets) =>
        budgets.Any(b => b.IsOverWarning) ? [.. budgets.Where(b => b.IsOverWarning).Select(b => new BudgetWarning(b.Id, b.Name, b.Limit, b.Spent + b.Reserved))] : [];

    /// <summary>Whether <paramref name="budget"/> applies to spending by <paramref name="apiKeyId"/>: tenant-wide budgets always do.</summary>
    public static bool Applies(Budget budget, string? apiKeyId) => budget.ApiKeyId is null || string.Equals(budget.ApiKeyId, apiKeyId, StringComparison.Ordinal);

    private static BudgetRefusal Refusal(Budget b, decimal amount, string reason) =>
        new(b.Id, b.Name, b.Period, b.Currency, b.Limit, b.Spent, b.Reserved, amount, b.WindowEnd, reason);
}

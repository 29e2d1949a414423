namespace Allixios.Usage;

/// <summary>The stable reason codes of budget refusals.</summary>
public static class BudgetReasons
{
    /// <summary>Spent and reserved leave too little for the amount asked.</summary>
    public const string Exhausted = "budget_exhausted";

    /// <summary>The amount was in another currency than the budget.</summary>
    public const string CurrencyMismatch = "currency_mismatch";
}

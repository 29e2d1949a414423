namespace Allixios.Usage;

/// <summary>A budget to create, as a caller describes it; <see cref="BudgetClient"/> validates it.</summary>
/// <param name="Period">Day or month.</param>
/// <param name="Currency">An ISO 4217 currency code, e.g. <c>USD</c> or <c>EUR</c>.</param>
/// <param name="Limit">The hard stop, zero or more (zero stops all spending), at most 1,000,000,000.</param>
public sealed record NewBudget(BudgetPeriod Period, string Currency, decimal Limit)
{
    /// <summary>The API key it limits (its id, as the API-key store issued it); none limits the whole tenant. Default: none.</summary>
    public string? ApiKeyId { get; init; }

    /// <summary>A label for people, 1 to 100 characters. Default: e.g. <c>daily USD budget</c>.</summary>
    public string? Name { get; init; }

    /// <summary>The soft warning threshold as a share of the limit, 0 to 1. Default: 0.8.</summary>
    public decimal WarningRatio { get; init; } = 0.8m;
}

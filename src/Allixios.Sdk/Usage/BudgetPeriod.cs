namespace Allixios.Usage;

/// <summary>The window a budget's limit applies to; windows start at midnight UTC (days) or on the 1st at midnight UTC (months).</summary>
public enum BudgetPeriod
{
    /// <summary>A calendar day in UTC.</summary>
    Day,

    /// <summary>A calendar month in UTC.</summary>
    Month,
}

namespace Allixios.Usage;

/// <summary>Changes to a budget's settings; what is none stays as it is. Spent and reserved amounts are never edited.</summary>
public sealed record BudgetChanges
{
    /// <summary>A new hard stop, zero or more, at most 1,000,000,000.</summary>
    public decimal? Limit { get; init; }

    /// <summary>A new soft warning threshold, 0 to 1.</summary>
    public decimal? WarningRatio { get; init; }

    /// <summary>A new label, 1 to 100 characters.</summary>
    public string? Name { get; init; }
}

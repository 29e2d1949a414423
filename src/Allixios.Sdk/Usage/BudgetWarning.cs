namespace Allixios.Usage;

/// <summary>A budget that has reached its soft warning threshold: nothing is refused yet, but the hard stop is near.</summary>
/// <param name="BudgetId">The budget.</param>
/// <param name="Name">Its label.</param>
/// <param name="Limit">Its hard stop.</param>
/// <param name="Committed">Spent plus reserved, this reservation included.</param>
public sealed record BudgetWarning(Guid BudgetId, string Name, decimal Limit, decimal Committed);

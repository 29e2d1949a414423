namespace Allixios.Usage;

/// <summary>Why a reservation was refused, naming the budget that refused it.</summary>
/// <param name="BudgetId">The budget that refused it.</param>
/// <param name="Name">Its label.</param>
/// <param name="Period">Its period.</param>
/// <param name="Currency">Its currency.</param>
/// <param name="Limit">Its hard stop.</param>
/// <param name="Spent">What is spent in its current window.</param>
/// <param name="Reserved">What is reserved in it by unfinished work.</param>
/// <param name="Requested">What was asked for.</param>
/// <param name="WindowEnd">When its current window ends and its spend resets.</param>
/// <param name="Reason">A stable code: <c>budget_exhausted</c> (spent and reserved leave too little) or <c>currency_mismatch</c>.</param>
public sealed record BudgetRefusal(
    Guid BudgetId,
    string Name,
    BudgetPeriod Period,
    string Currency,
    decimal Limit,
    decimal Spent,
    decimal Reserved,
    decimal Requested,
    DateTimeOffset WindowEnd,
    string Reason)
{
    /// <summary>The reason for people, naming the budget and what to do.</summary>
    public string Message => Reason == BudgetReasons.CurrencyMismatch
        ? $"Budget '{Name}' ({BudgetId}) is in {Currency}; the cost was given in another currency. Report costs in {Currency}."
        : $"Budget '{Name}' ({BudgetId}, per {BudgetWindow.ToName(Period)}) cannot cover {Requested} {Currency}: limit {Limit}, spent {Spent}, reserved by running work {Reserved}. "
            + (Spent + Requested > Limit
                ? $"It resets at {WindowEnd:O}, or raise its limit."
                : "It frees up as running work settles, or raise its limit.");

    /// <summary>Whether waiting for reserved work to settle may be enough (spent alone leaves room), rather than waiting for the window to end.</summary>
    public bool MayFreeUpBeforeWindowEnd => Reason == BudgetReasons.Exhausted && Spent + Requested <= Limit;
}

namespace Allixios.Usage;

/// <summary>
/// Where budgets and their reservations live: in memory in the embedded default, in PostgreSQL in production, where
/// every replica reserves against the same rows. A reservation is atomic: of many concurrent callers, no two can both
/// take the last of a budget. Times come from the store's <see cref="TimeProvider"/>. Callers validate input first
/// (<see cref="BudgetClient"/> does).
/// </summary>
public interface IBudgetStore
{
    /// <summary>Adds a budget with nothing spent or reserved.</summary>
    /// <exception cref="AllixiosException">AlreadyExists (<c>budget_exists</c>) when the tenant already has a budget for the same API key (or none), period and currency.</exception>
    ValueTask<Budget> CreateAsync(Budget budget, CancellationToken cancellationToken = default);

    /// <summary>The budget as of now, or <see langword="null"/> when the tenant has no such budget.</summary>
    ValueTask<Budget?> GetAsync(string tenantId, Guid budgetId, CancellationToken cancellationToken = default);

    /// <summary>The tenant's budgets as of now: tenant-wide first, then by API key, period and currency.</summary>
    ValueTask<IReadOnlyList<Budget>> ListAsync(string tenantId, CancellationToken cancellationToken = default);

    /// <summary>Applies <paramref name="changes"/>; returns the budget, or <see langword="null"/> when the tenant has no such budget.</summary>
    ValueTask<Budget?> UpdateAsync(string tenantId, Guid budgetId, BudgetChanges changes, CancellationToken cancellationToken = default);

    /// <summary>Deletes the budget (its reservations stop holding money in it); <see langword="false"/> when the tenant has no such budget.</summary>
    ValueTask<bool> DeleteAsync(string tenantId, Guid budgetId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sets <see cref="ReservationRequest.Amount"/> aside in every budget that applies (the tenant's own and the API
    /// key's), all or none: refused when any of them would go over its limit, or is in another currency. A zero amount
    /// is refused only by a budget that has nothing left.
    /// </summary>
    ValueTask<ReservationResult> ReserveAsync(Guid reservationId, ReservationRequest request, CancellationToken cancellationToken = default);

    /// <summary>
    /// Settles a reservation with what the work actually cost: its amount is freed and <paramref name="actualCost"/>
    /// is spent in each budget it held money in. A reservation that lapsed meanwhile is still charged (the money was
    /// spent). Returns <see langword="false"/> (nothing changed) when it was already settled or released.
    /// </summary>
    ValueTask<bool> SettleAsync(BudgetReservation reservation, decimal actualCost, CancellationToken cancellationToken = default);

    /// <summary>Frees a reservation without spending anything (the work failed or was cancelled before it cost money); <see langword="false"/> when it was already settled, released or lapsed.</summary>
    ValueTask<bool> ReleaseAsync(BudgetReservation reservation, CancellationToken cancellationToken = default);

    /// <summary>Frees up to <paramref name="maxReservations"/> reservations that passed their expiry unsettled (their worker crashed). Returns how many.</summary>
    ValueTask<int> ExpireReservationsAsync(int maxReservations, CancellationToken cancellationToken = default);
}

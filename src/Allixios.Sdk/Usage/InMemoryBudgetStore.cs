namespace Allixios.Usage;

/// <summary>
/// The embedded default <see cref="IBudgetStore"/>: budgets in process memory, one lock around every change, so
/// reservations are atomic within the process. Same semantics as the PostgreSQL store (the same conformance suite).
/// </summary>
public sealed class InMemoryBudgetStore(TimeProvider time) : IBudgetStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<Guid, Budget> _budgets = [];
    private readonly Dictionary<Guid, Hold> _reservations = [];

    /// <inheritdoc />
    public ValueTask<Budget> CreateAsync(Budget budget, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(budget);
        lock (_gate)
        {
            if (_budgets.Values.Any(b => b.TenantId == budget.TenantId && b.ApiKeyId == budget.ApiKeyId && b.Period == budget.Period && b.Currency == budget.Currency))
            {
                throw BudgetErrors.Exists(budget);
            }

            _budgets.Add(budget.Id, budget);
            return ValueTask.FromResult(budget);
        }
    }

    /// <inheritdoc />
    public ValueTask<Budget?> GetAsync(string tenantId, Guid budgetId, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            return ValueTask.FromResult(Find(tenantId, budgetId)?.AsOf(now));
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<Budget>> ListAsync(string tenantId, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            IReadOnlyList<Budget> list = [.. _budgets.Values
                .Where(b => b.TenantId == tenantId)
                .OrderBy(b => b.ApiKeyId is not null)
                .ThenBy(b => b.ApiKeyId, StringComparer.Ordinal)
                .ThenBy(b => b.Period)
                .ThenBy(b => b.Currency, StringComparer.Ordinal)
                .Select(b => b.AsOf(now))];
            return ValueTask.FromResult(list);
        }
    }

    /// <inheritdoc />
    public ValueTask<Budget?> UpdateAsync(string tenantId, Guid budgetId, BudgetChanges changes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var now = time.GetUtcNow();
        lock (_gate)
        {
            if (Find(tenantId, budgetId) is not { } budget)
            {
                return ValueTask.FromResult<Budget?>(null);
            }

            budget = budget.AsOf(now) with
            {
                Limit = changes.Limit ?? budget.Limit,
                WarningRatio = changes.WarningRatio ?? budget.WarningRatio,
                Name = changes.Name ?? budget.Name,
                UpdatedAt = now,
            };
            _budgets[budgetId] = budget;
            return ValueTask.FromResult<Budget?>(budget);
        }
    }

    /// <inheritdoc />
    public ValueTask<bool> DeleteAsync(string tenantId, Guid budgetId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return ValueTask.FromResult(Find(tenantId, budgetId) is not null && _budgets.Remove(budgetId));
        }
    }

    /// <inheritdoc />
    public ValueTask<ReservationResult> ReserveAsync(Guid reservationId, ReservationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var now = time.GetUtcNow();
        lock (_gate)
        {
            var applicable = _budgets.Values
                .Where(b => b.TenantId == request.TenantId && BudgetCheck.Applies(b, request.ApiKeyId))
                .OrderBy(b => b.Id)
                .Select(b => b.AsOf(now))
                .ToList();
            if (BudgetCheck.Refuse(applicable, request.Amount, request.Currency) is { } refusal)
            {
                return ValueTask.FromResult(ReservationResult.Refused(refusal));
            }

            var held = applicable.Select(b => b with { Reserved = b.Reserved + request.Amount }).ToList();
            foreach (var budget in held)
            {
                _budgets[budget.Id] = budget;
            }

            var reservation = new BudgetReservation(reservationId, request.TenantId, request.ApiKeyId, request.Amount, request.Currency, request.ExpiresAt, [.. held.Select(b => b.Id)], BudgetCheck.Warnings(held));
            if (held.Count > 0)
            {
                _reservations.Add(reservationId, new Hold(reservation));
            }

            return ValueTask.FromResult(ReservationResult.Granted(reservation));
        }
    }

    /// <inheritdoc />
    public ValueTask<bool> SettleAsync(BudgetReservation reservation, decimal actualCost, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reservation);
        var now = time.GetUtcNow();
        lock (_gate)
        {
            if (reservation.BudgetIds.Count == 0)
            {
                return ValueTask.FromResult(true);
            }

            if (!_reservations.TryGetValue(reservation.Id, out var hold) || hold.State is HoldState.Settled or HoldState.Released)
            {
                return ValueTask.FromResult(false);
            }

            foreach (var id in hold.Reservation.BudgetIds)
            {
                if (_budgets.TryGetValue(id, out var budget))
                {
                    budget = budget.AsOf(now);
                    _budgets[id] = budget with
                    {
                        Spent = budget.Spent + actualCost,
                        Reserved = hold.State == HoldState.Held ? budget.Reserved - hold.Reservation.Amount : budget.Reserved,
                    };
                }
            }

            hold.State = HoldState.Settled;
            return ValueTask.FromResult(true);
        }
    }

    /// <inheritdoc />
    public ValueTask<bool> ReleaseAsync(BudgetReservation reservation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reservation);
        lock (_gate)
        {
            if (!_reservations.TryGetValue(reservation.Id, out var hold) || hold.State != HoldState.Held)
            {
                return ValueTask.FromResult(false);
            }

            Free(hold, HoldState.Released);
            return ValueTask.FromResult(true);
        }
    }

    /// <inheritdoc />
    public ValueTask<int> ExpireReservationsAsync(int maxReservations, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            var expired = _reservations.Values
                .Where(h => h.State == HoldState.Held && h.Reservation.ExpiresAt <= now)
                .OrderBy(h => h.Reservation.ExpiresAt)
                .Take(maxReservations)
                .ToList();
            foreach (var hold in expired)
            {
                Free(hold, HoldState.Expired);
            }

            // Finished reservations are kept a day, so a late settle of a lapsed one is still charged and a repeated
            // settle is still recognised; after that they would only grow the dictionary.
            foreach (var old in _reservations.Values.Where(h => h.State != HoldState.Held && h.Reservation.ExpiresAt < now.AddDays(-1)).ToList())
            {
                _reservations.Remove(old.Reservation.Id);
            }

            return ValueTask.FromResult(expired.Count);
        }
    }

    private Budget? Find(string tenantId, Guid budgetId) =>
        _budgets.TryGetValue(budgetId, out var budget) && budget.TenantId == tenantId ? budget : null;

    private void Free(Hold hold, HoldState state)
    {
        foreach (var id in hold.Reservation.BudgetIds)
        {
            if (_budgets.TryGetValue(id, out var budget))
            {
                _budgets[id] = budget with { Reserved = budget.Reserved - hold.Reservation.Amount };
            }
        }

        hold.State = state;
    }

    private enum HoldState
    {
        Held,
        Settled,
        Released,
        Expired,
    }

    private sealed class Hold(BudgetReservation reservation)
    {
        public BudgetReservation Reservation { get; } = reservation;

        public HoldState State { get; set; } = HoldState.Held;
    }
}

namespace Allixios.Usage;

/// <summary>
/// The embedded default <see cref="IBudgetStore"/>: budgets in process memory, one lock around every change, so
/// reservations are atomic within the process. Same semantics as the PostgreSQL store (the same conformance suite).
/// Every routed AI call reserves and settles here, so both look only at the caller's tenant's budgets and keep the lock
/// briefly; a reservation is forgotten once settled or released (a repeated settle finds nothing, and is refused as it
/// would be anyway), so memory follows the calls in flight, not the calls made.
/// </summary>
public sealed class InMemoryBudgetStore(TimeProvider time) : IBudgetStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<Guid, Budget> _budgets = [];
    // Each tenant's budget ids in Guid order: the order both stores check budgets in, so a refusal names the same one.
    private readonly Dictionary<string, List<Guid>> _tenantBudgets = new(StringComparer.Ordinal);
    private readonly Dictionary<Guid, Hold> _reservations = [];

    /// <inheritdoc />
    public ValueTask<Budget> CreateAsync(Budget budget, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(budget);
        lock (_gate)
        {
            if (TenantBudgets(budget.TenantId).Any(b => b.ApiKeyId == budget.ApiKeyId && b.Period == budget.Period && b.Currency == budget.Currency))
            {
                throw BudgetErrors.Exists(budget);
            }

            _budgets.Add(budget.Id, budget);
            if (!_tenantBudgets.TryGetValue(budget.TenantId, out var ids))
            {
                _tenantBudgets[budget.TenantId] = ids = [];
            }

            var at = ids.BinarySearch(budget.Id);
            ids.Insert(at < 0 ? ~at : at, budget.Id);
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
            IReadOnlyList<Budget> list = [.. TenantBudgets(tenantId)
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
            if (Find(tenantId, budgetId) is null)
            {
                return ValueTask.FromResult(false);
            }

            _budgets.Remove(budgetId);
            var ids = _tenantBudgets[tenantId];
            ids.Remove(budgetId);
            if (ids.Count == 0)
            {
                _tenantBudgets.Remove(tenantId);
            }

            return ValueTask.FromResult(true);
        }
    }

    /// <inheritdoc />
    public ValueTask<ReservationResult> ReserveAsync(Guid reservationId, ReservationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var now = time.GetUtcNow();
        lock (_gate)
        {
            var held = Applicable(request.TenantId, request.ApiKeyId, now);
            if (BudgetCheck.Refuse(held, request.Amount, request.Currency) is { } refusal)
            {
                return ValueTask.FromResult(ReservationResult.Refused(refusal));
            }

            if (held.Length == 0)
            {
                return ValueTask.FromResult(ReservationResult.Granted(new BudgetReservation(reservationId, request.TenantId, request.ApiKeyId, request.Amount, request.Currency, request.ExpiresAt, [], [])));
            }

            var ids = new Guid[held.Length];
            for (var i = 0; i < held.Length; i++)
            {
                held[i] = held[i] with { Reserved = held[i].Reserved + request.Amount };
                _budgets[held[i].Id] = held[i];
                ids[i] = held[i].Id;
            }

            var reservation = new BudgetReservation(reservationId, request.TenantId, request.ApiKeyId, request.Amount, request.Currency, request.ExpiresAt, ids, BudgetCheck.Warnings(held));
            _reservations.Add(reservationId, new Hold(reservation));
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

            // Settled or released before: forgotten, so refused as a repeat.
            if (!_reservations.Remove(reservation.Id, out var hold))
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
                        Reserved = hold.Expired ? budget.Reserved : budget.Reserved - hold.Reservation.Amount,
                    };
                }
            }

            return ValueTask.FromResult(true);
        }
    }

    /// <inheritdoc />
    public ValueTask<bool> ReleaseAsync(BudgetReservation reservation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reservation);
        lock (_gate)
        {
            if (!_reservations.TryGetValue(reservation.Id, out var hold) || hold.Expired)
            {
                return ValueTask.FromResult(false);
            }

            Free(hold);
            _reservations.Remove(reservation.Id);
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
                .Where(h => !h.Expired && h.Reservation.ExpiresAt <= now)
                .OrderBy(h => h.Reservation.ExpiresAt)
                .Take(maxReservations)
                .ToList();
            foreach (var hold in expired)
            {
                Free(hold);
                hold.Expired = true;
            }

            // A lapsed reservation is kept a day, so a late settle is still charged; after that it would only grow the dictionary.
            foreach (var old in _reservations.Values.Where(h => h.Expired && h.Reservation.ExpiresAt < now.AddDays(-1)).ToList())
            {
                _reservations.Remove(old.Reservation.Id);
            }

            return ValueTask.FromResult(expired.Count);
        }
    }

    /// <summary>The reservations remembered: held ones, and lapsed ones for a day.</summary>
    internal int ReservationCount
    {
        get
        {
            lock (_gate)
            {
                return _reservations.Count;
            }
        }
    }

    private Budget? Find(string tenantId, Guid budgetId) =>
        _budgets.TryGetValue(budgetId, out var budget) && budget.TenantId == tenantId ? budget : null;

    private IEnumerable<Budget> TenantBudgets(string tenantId) =>
        _tenantBudgets.TryGetValue(tenantId, out var ids) ? ids.Select(id => _budgets[id]) : [];

    /// <summary>The tenant's budgets that apply to <paramref name="apiKeyId"/>, as of <paramref name="now"/>, in id order.</summary>
    private Budget[] Applicable(string tenantId, string? apiKeyId, DateTimeOffset now)
    {
        if (!_tenantBudgets.TryGetValue(tenantId, out var ids))
        {
            return [];
        }

        var count = 0;
        foreach (var id in ids)
        {
            count += BudgetCheck.Applies(_budgets[id], apiKeyId) ? 1 : 0;
        }

        var applicable = count == 0 ? [] : new Budget[count];
        count = 0;
        foreach (var id in ids)
        {
            if (BudgetCheck.Applies(_budgets[id], apiKeyId))
            {
                applicable[count++] = _budgets[id].AsOf(now);
            }
        }

        return applicable;
    }

    private void Free(Hold hold)
    {
        foreach (var id in hold.Reservation.BudgetIds)
        {
            if (_budgets.TryGetValue(id, out var budget))
            {
                _budgets[id] = budget with { Reserved = budget.Reserved - hold.Reservation.Amount };
            }
        }
    }

    /// <summary>A granted reservation until it is settled or released; one that lapsed stays a day, unheld, for a late settle.</summary>
    private sealed class Hold(BudgetReservation reservation)
    {
        public BudgetReservation Reservation { get; } = reservation;

        public bool Expired { get; set; }
    }
}

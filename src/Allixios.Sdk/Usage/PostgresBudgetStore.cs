using Allixios.Storage;
using Npgsql;
using NpgsqlTypes;

namespace Allixios.Usage;

/// <summary>
/// The production <see cref="IBudgetStore"/>: the <c>budgets</c>, <c>budget_reservations</c> and <c>budget_holds</c>
/// tables. A reservation locks the applicable budget rows (<c>SELECT … FOR UPDATE</c> in id order) and adds to their
/// reserved amount in the same transaction, so every replica sharing the database reserves atomically.
/// </summary>
public sealed class PostgresBudgetStore(NpgsqlDataSource dataSource, TimeProvider time) : IBudgetStore
{
    private const string Columns = "budget_id, tenant_id, api_key_id, name, period, currency, limit_amount, warning_ratio, spent, reserved, window_start, created_at, updated_at";

    // Spent restarts when the stored window is older than the current one of the budget's period ($day / $month).
    private const string CurrentWindow = "(CASE period WHEN 'day' THEN @day ELSE @month END)";
    private const string CurrentSpent = $"(CASE WHEN window_start < {CurrentWindow} THEN 0 ELSE spent END)";

    /// <inheritdoc />
    public async ValueTask<Budget> CreateAsync(Budget budget, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(budget);
        await using var scope = await PostgresScope.ForTenantAsync(dataSource, budget.TenantId, cancellationToken);
        await using var command = scope.CreateCommand($"INSERT INTO budgets ({Columns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)");
        command.Parameters.Add(new() { Value = budget.Id });
        command.Parameters.Add(new() { Value = budget.TenantId });
        command.Parameters.Add(Text(budget.ApiKeyId));
        command.Parameters.Add(new() { Value = budget.Name });
        command.Parameters.Add(new() { Value = BudgetWindow.ToName(budget.Period) });
        command.Parameters.Add(new() { Value = budget.Currency });
        command.Parameters.Add(new() { Value = budget.Limit });
        command.Parameters.Add(new() { Value = budget.WarningRatio });
        command.Parameters.Add(new() { Value = budget.Spent });
        command.Parameters.Add(new() { Value = budget.Reserved });
        command.Parameters.Add(Time(budget.WindowStart));
        command.Parameters.Add(Time(budget.CreatedAt));
        command.Parameters.Add(Time(budget.UpdatedAt));
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            throw BudgetErrors.Exists(budget);
        }

        await scope.CommitAsync(cancellationToken);
        return budget;
    }

    /// <inheritdoc />
    public async ValueTask<Budget?> GetAsync(string tenantId, Guid budgetId, CancellationToken cancellationToken = default)
    {
        await using var scope = await PostgresScope.ForTenantAsync(dataSource, tenantId, cancellationToken);
        var budgets = await ReadAsync(scope, $"SELECT {Columns} FROM budgets WHERE tenant_id = $1 AND budget_id = $2", cancellationToken, tenantId, budgetId);
        return budgets.Count == 0 ? null : budgets[0].AsOf(time.GetUtcNow());
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<Budget>> ListAsync(string tenantId, CancellationToken cancellationToken = default)
    {
        await using var scope = await PostgresScope.ForTenantAsync(dataSource, tenantId, cancellationToken);
        var now = time.GetUtcNow();
        var budgets = await ReadAsync(
            scope,
            $"SELECT {Columns} FROM budgets WHERE tenant_id = $1 ORDER BY api_key_id IS NOT NULL, api_key_id COLLATE \"C\", period, currency",
            cancellationToken,
            tenantId);
        return [.. budgets.Select(b => b.AsOf(now))];
    }

    /// <inheritdoc />
    public async ValueTask<Budget?> UpdateAsync(string tenantId, Guid budgetId, BudgetChanges changes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var now = time.GetUtcNow();
        await using var scope = await PostgresScope.ForTenantAsync(dataSource, tenantId, cancellationToken);
        await using var command = scope.CreateCommand($"""
            UPDATE budgets SET limit_amount = coalesce(@limit, limit_amount), warning_ratio = coalesce(@warning, warning_ratio),
                               name = coalesce(@name, name), updated_at = @now
            WHERE tenant_id = @tenant AND budget_id = @id
            RETURNING {Columns}
            """);
        command.Parameters.Add(new NpgsqlParameter("limit", NpgsqlDbType.Numeric) { Value = (object?)changes.Limit ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("warning", NpgsqlDbType.Numeric) { Value = (object?)changes.WarningRatio ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("name", NpgsqlDbType.Text) { Value = (object?)changes.Name ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("now", NpgsqlDbType.TimestampTz) { Value = now.ToUniversalTime() });
        command.Parameters.Add(new NpgsqlParameter("tenant", tenantId));
        command.Parameters.Add(new NpgsqlParameter("id", budgetId));
        Budget? budget = null;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            if (await reader.ReadAsync(cancellationToken))
            {
                budget = Read(reader);
            }
        }

        await scope.CommitAsync(cancellationToken);
        return budget?.AsOf(now);
    }

    /// <inheritdoc />
    public async ValueTask<bool> DeleteAsync(string tenantId, Guid budgetId, CancellationToken cancellationToken = default)
    {
        await using var scope = await PostgresScope.ForTenantAsync(dataSource, tenantId, cancellationToken);
        await using var command = scope.CreateCommand("DELETE FROM budgets WHERE tenant_id = $1 AND budget_id = $2");
        command.Parameters.Add(new() { Value = tenantId });
        command.Parameters.Add(new() { Value = budgetId });
        var deleted = await command.ExecuteNonQueryAsync(cancellationToken) == 1;
        await scope.CommitAsync(cancellationToken);
        return deleted;
    }

    /// <inheritdoc />
    public async ValueTask<ReservationResult> ReserveAsync(Guid reservationId, ReservationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var now = time.GetUtcNow();
        await using var scope = await PostgresScope.ForTenantAsync(dataSource, request.TenantId, cancellationToken);

        // The row locks are what make concurrent reservations (on any replica) take turns on the same budgets.
        var applicable = await ReadAsync(
            scope,
            $"SELECT {Columns} FROM budgets WHERE tenant_id = $1 AND (api_key_id IS NULL OR api_key_id = $2) ORDER BY budget_id FOR UPDATE",
            cancellationToken,
            request.TenantId,
            request.ApiKeyId);
        var current = applicable.Select(b => b.AsOf(now)).ToList();
        if (BudgetCheck.Refuse(current, request.Amount, request.Currency) is { } refusal)
        {
            await scope.CommitAsync(cancellationToken);
            return ReservationResult.Refused(refusal);
        }

        var ids = current.Select(b => b.Id).ToArray();
        if (ids.Length > 0)
        {
            await using var hold = scope.CreateCommand($"""
                WITH held AS (
                    UPDATE budgets SET spent = {CurrentSpent}, window_start = greatest(window_start, {CurrentWindow}), reserved = reserved + @amount
                    WHERE budget_id = ANY(@ids)
                    RETURNING budget_id
                ), reservation AS (
                    INSERT INTO budget_reservations (reservation_id, tenant_id, api_key_id, amount, currency, state, expires_at)
                    VALUES (@reservation, @tenant, @key, @amount, @currency, 'held', @expires)
                )
                INSERT INTO budget_holds (reservation_id, budget_id, tenant_id) SELECT @reservation, budget_id, @tenant FROM held
                """);
            AddWindows(hold, now);
            hold.Parameters.Add(new NpgsqlParameter("amount", NpgsqlDbType.Numeric) { Value = request.Amount });
            hold.Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = ids });
            hold.Parameters.Add(new NpgsqlParameter("reservation", reservationId));
            hold.Parameters.Add(new NpgsqlParameter("tenant", request.TenantId));
            hold.Parameters.Add(new NpgsqlParameter("key", NpgsqlDbType.Text) { Value = (object?)request.ApiKeyId ?? DBNull.Value });
            hold.Parameters.Add(new NpgsqlParameter("currency", request.Currency));
            hold.Parameters.Add(new NpgsqlParameter("expires", NpgsqlDbType.TimestampTz) { Value = request.ExpiresAt.ToUniversalTime() });
            await hold.ExecuteNonQueryAsync(cancellationToken);
        }

        await scope.CommitAsync(cancellationToken);
        var held = current.Select(b => b with { Reserved = b.Reserved + request.Amount }).ToList();
        return ReservationResult.Granted(new BudgetReservation(reservationId, request.TenantId, request.ApiKeyId, request.Amount, request.Currency, request.ExpiresAt, ids, BudgetCheck.Warnings(held)));
    }

    /// <inheritdoc />
    public async ValueTask<bool> SettleAsync(BudgetReservation reservation, decimal actualCost, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reservation);
        if (reservation.BudgetIds.Count == 0)
        {
            return true;
        }

        return await FinishAsync(reservation, "settled", actualCost, cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask<bool> ReleaseAsync(BudgetReservation reservation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reservation);
        return reservation.BudgetIds.Count > 0 && await FinishAsync(reservation, "released", null, cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask<int> ExpireReservationsAsync(int maxReservations, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        await using var scope = await PostgresScope.ForSystemAsync(dataSource, cancellationToken);
        var expired = new List<Guid>();
        await using (var pick = scope.CreateCommand(
            "SELECT reservation_id FROM budget_reservations WHERE state = 'held' AND expires_at <= $1 ORDER BY expires_at LIMIT $2 FOR UPDATE SKIP LOCKED"))
        {
            pick.Parameters.Add(Time(now));
            pick.Parameters.Add(new() { Value = maxReservations });
            await using var reader = await pick.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                expired.Add(reader.GetGuid(0));
            }
        }

        if (expired.Count > 0)
        {
            await using var free = scope.CreateCommand("""
                WITH locked AS (
                    SELECT b.budget_id, sum(r.amount) AS amount
                    FROM budget_reservations r JOIN budget_holds h USING (reservation_id) JOIN budgets b ON b.budget_id = h.budget_id
                    WHERE r.reservation_id = ANY($1)
                    GROUP BY b.budget_id
                ), budget_locks AS (
                    SELECT budget_id FROM budgets WHERE budget_id IN (SELECT budget_id FROM locked) ORDER BY budget_id FOR UPDATE
                ), freed AS (
                    UPDATE budgets b SET reserved = b.reserved - l.amount FROM locked l
                    WHERE b.budget_id = l.budget_id AND EXISTS (SELECT 1 FROM budget_locks)
                )
                UPDATE budget_reservations SET state = 'expired', finished_at = $2 WHERE reservation_id = ANY($1)
                """);
            free.Parameters.Add(new() { Value = expired.ToArray() });
            free.Parameters.Add(Time(now));
            await free.ExecuteNonQueryAsync(cancellationToken);
        }

        // Finished reservations are kept a day, so a late settle of a lapsed one is still charged and a repeated settle
        // is still recognised; after that they only grow the table.
        await using (var prune = scope.CreateCommand(
            "DELETE FROM budget_reservations WHERE reservation_id IN (SELECT reservation_id FROM budget_reservations WHERE state <> 'held' AND finished_at < $1 LIMIT $2)"))
        {
            prune.Parameters.Add(Time(now.AddDays(-1)));
            prune.Parameters.Add(new() { Value = maxReservations });
            await prune.ExecuteNonQueryAsync(cancellationToken);
        }

        await scope.CommitAsync(cancellationToken);
        return expired.Count;
    }

    private async Task<bool> FinishAsync(BudgetReservation reservation, string to, decimal? actualCost, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var scope = await PostgresScope.ForTenantAsync(dataSource, reservation.TenantId, cancellationToken);
        string? state;
        await using (var lockReservation = scope.CreateCommand("SELECT state FROM budget_reservations WHERE reservation_id = $1 FOR UPDATE"))
        {
            lockReservation.Parameters.Add(new() { Value = reservation.Id });
            state = await lockReservation.ExecuteScalarAsync(cancellationToken) as string;
        }

        // Settling a lapsed reservation still charges what was spent; anything else finished is left alone.
        if (state is null || state is "settled" or "released" || (state == "expired" && to == "released"))
        {
            await scope.CommitAsync(cancellationToken);
            return false;
        }

        await using var finish = scope.CreateCommand($"""
            WITH budget_locks AS (
                SELECT budget_id FROM budgets WHERE budget_id IN (SELECT budget_id FROM budget_holds WHERE reservation_id = @reservation)
                ORDER BY budget_id FOR UPDATE
            ), changed AS (
                UPDATE budgets SET spent = {CurrentSpent} + @actual, window_start = greatest(window_start, {CurrentWindow}),
                                   reserved = reserved - @freed
                WHERE budget_id IN (SELECT budget_id FROM budget_locks)
            )
            UPDATE budget_reservations SET state = @to, finished_at = @now, settled_amount = @settled WHERE reservation_id = @reservation
            """);
        AddWindows(finish, now);
        finish.Parameters.Add(new NpgsqlParameter("reservation", reservation.Id));
        finish.Parameters.Add(new NpgsqlParameter("actual", NpgsqlDbType.Numeric) { Value = actualCost ?? 0m });
        finish.Parameters.Add(new NpgsqlParameter("freed", NpgsqlDbType.Numeric) { Value = state == "held" ? reservation.Amount : 0m });
        finish.Parameters.Add(new NpgsqlParameter("to", to));
        finish.Parameters.Add(new NpgsqlParameter("now", NpgsqlDbType.TimestampTz) { Value = now.ToUniversalTime() });
        finish.Parameters.Add(new NpgsqlParameter("settled", NpgsqlDbType.Numeric) { Value = (object?)actualCost ?? DBNull.Value });
        await finish.ExecuteNonQueryAsync(cancellationToken);
        await scope.CommitAsync(cancellationToken);
        return true;
    }

    private static void AddWindows(NpgsqlCommand command, DateTimeOffset now)
    {
        command.Parameters.Add(new NpgsqlParameter("day", NpgsqlDbType.TimestampTz) { Value = BudgetWindow.Start(BudgetPeriod.Day, now).UtcDateTime });
        command.Parameters.Add(new NpgsqlParameter("month", NpgsqlDbType.TimestampTz) { Value = BudgetWindow.Start(BudgetPeriod.Month, now).UtcDateTime });
    }

    private static async Task<List<Budget>> ReadAsync(PostgresScope scope, string sql, CancellationToken cancellationToken, params object?[] values)
    {
        await using var command = scope.CreateCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.Add(value is null ? Text(null) : new NpgsqlParameter { Value = value });
        }

        var budgets = new List<Budget>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            budgets.Add(Read(reader));
        }

        return budgets;
    }

    private static Budget Read(NpgsqlDataReader reader) => new(
        reader.GetGuid(0),
        reader.GetString(1),
        reader.IsDBNull(2) ? null : reader.GetString(2),
        reader.GetString(3),
        BudgetWindow.Parse(reader.GetString(4)) ?? BudgetPeriod.Month,
        reader.GetString(5),
        reader.GetDecimal(6),
        reader.GetDecimal(7),
        reader.GetDecimal(8),
        reader.GetDecimal(9),
        reader.GetFieldValue<DateTimeOffset>(10),
        reader.GetFieldValue<DateTimeOffset>(11),
        reader.GetFieldValue<DateTimeOffset>(12));

    private static NpgsqlParameter Time(DateTimeOffset value) => new() { Value = value.ToUniversalTime(), NpgsqlDbType = NpgsqlDbType.TimestampTz };

    private static NpgsqlParameter Text(string? value) => new() { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text };
}

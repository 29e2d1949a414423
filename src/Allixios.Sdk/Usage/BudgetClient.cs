using System.Diagnostics;
using Microsoft.Extensions.Options;

namespace Allixios.Usage;

/// <summary>
/// Budgets for callers: create and change them, and reserve before work that costs money, settle after it with the
/// actual cost, release when it failed. Validates every input and reports bad ones as <see cref="AllixiosException"/>
/// (InvalidArgument) with what to fix; the <see cref="IBudgetStore"/> behind it makes reservations atomic.
/// </summary>
public sealed class BudgetClient(IBudgetStore store, IOptions<UsageOptions> options, TimeProvider time)
{
    private const decimal MaxAmount = 1_000_000_000m;

    /// <summary>Amounts are kept to this many decimal places (rounded half to even), so sums stay exact in every store.</summary>
    public const int AmountDecimals = 10;

    /// <summary>Creates a budget for <paramref name="tenantId"/>.</summary>
    /// <exception cref="AllixiosException">InvalidArgument for a bad limit, currency, ratio or name; AlreadyExists (<c>budget_exists</c>).</exception>
    public async ValueTask<Budget> CreateAsync(string tenantId, NewBudget budget, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(budget);
        ValidateTenant(tenantId);
        ValidateLimit(budget.Limit);
        ValidateRatio(budget.WarningRatio);
        var currency = ValidateCurrency(budget.Currency);
        if (budget.Period is not (BudgetPeriod.Day or BudgetPeriod.Month))
        {
            throw AllixiosException.Invalid("invalid_period", $"Budget period {(int)budget.Period} is not valid: use 'day' or 'month'.");
        }

        if (budget.ApiKeyId is { } key && (string.IsNullOrWhiteSpace(key) || key.Length > 100))
        {
            throw AllixiosException.Invalid("invalid_api_key_id", "The API key id must be 1 to 100 characters (the key's id, not its secret), or left out for a tenant-wide budget.");
        }

        var name = budget.Name is null
            ? $"{(budget.Period == BudgetPeriod.Day ? "daily" : "monthly")} {currency} budget" + (budget.ApiKeyId is null ? string.Empty : $" of key {budget.ApiKeyId}")
            : ValidateName(budget.Name);
        var now = time.GetUtcNow();
        return await store.CreateAsync(
            new Budget(Guid.CreateVersion7(now), tenantId, budget.ApiKeyId, name, budget.Period, currency, Round(budget.Limit), Round(budget.WarningRatio), 0, 0, BudgetWindow.Start(budget.Period, now), now, now),
            cancellationToken);
    }

    /// <summary>The budget as of now.</summary>
    /// <exception cref="AllixiosException">NotFound (<c>budget_not_found</c>).</exception>
    public async ValueTask<Budget> GetAsync(string tenantId, Guid budgetId, CancellationToken cancellationToken = default) =>
        await store.GetAsync(tenantId, budgetId, cancellationToken) ?? throw BudgetErrors.NotFound(tenantId, budgetId);

    /// <summary>The tenant's budgets as of now.</summary>
    public ValueTask<IReadOnlyList<Budget>> ListAsync(string tenantId, CancellationToken cancellationToken = default)
    {
        ValidateTenant(tenantId);
        return store.ListAsync(tenantId, cancellationToken);
    }

    /// <summary>Changes a budget's limit, warning threshold or name.</summary>
    /// <exception cref="AllixiosException">InvalidArgument for a bad value or no change at all; NotFound (<c>budget_not_found</c>).</exception>
    public async ValueTask<Budget> UpdateAsync(string tenantId, Guid budgetId, BudgetChanges changes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(changes);
        if (changes is { Limit: null, WarningRatio: null, Name: null })
        {
            throw AllixiosException.Invalid("no_budget_changes", "Name at least one of limit, warning ratio or name to change.");
        }

        if (changes.Limit is { } limit)
        {
            ValidateLimit(limit);
        }

        if (changes.WarningRatio is { } ratio)
        {
            ValidateRatio(ratio);
        }

        if (changes.Name is { } name)
        {
            ValidateName(name);
        }

        changes = changes with { Limit = changes.Limit is { } l ? Round(l) : null, WarningRatio = changes.WarningRatio is { } r ? Round(r) : null };
        return await store.UpdateAsync(tenantId, budgetId, changes, cancellationToken) ?? throw BudgetErrors.NotFound(tenantId, budgetId);
    }

    /// <summary>Deletes a budget; spending it limited is no longer limited by it.</summary>
    /// <exception cref="AllixiosException">NotFound (<c>budget_not_found</c>).</exception>
    public async ValueTask DeleteAsync(string tenantId, Guid budgetId, CancellationToken cancellationToken = default)
    {
        if (!await store.DeleteAsync(tenantId, budgetId, cancellationToken))
        {
            throw BudgetErrors.NotFound(tenantId, budgetId);
        }
    }

    /// <summary>
    /// Reserves <paramref name="maxCost"/> (the most the work can cost) in every budget of the tenant and of
    /// <paramref name="apiKeyId"/>, all or none. When no budget applies, it is granted and holds nothing.
    /// </summary>
    /// <param name="tenantId">The tenant that pays.</param>
    /// <param name="apiKeyId">The API key that asked for the work, or none.</param>
    /// <param name="maxCost">The most the work can cost, zero or more.</param>
    /// <param name="currency">The ISO 4217 code of <paramref name="maxCost"/>, e.g. <c>USD</c>.</param>
    /// <param name="hold">How long the reservation holds if never settled or released; default <see cref="UsageOptions.DefaultReservationHold"/>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Granted with a <see cref="BudgetReservation"/>, or refused with the <see cref="BudgetRefusal"/> naming the budget.</returns>
    /// <exception cref="AllixiosException">InvalidArgument for a negative cost, an unknown currency or a bad hold.</exception>
    public async ValueTask<ReservationResult> ReserveAsync(string tenantId, string? apiKeyId, decimal maxCost, string currency, TimeSpan? hold = null, CancellationToken cancellationToken = default)
    {
        ValidateTenant(tenantId);
        if (maxCost is < 0 or > MaxAmount)
        {
            throw AllixiosException.Invalid("invalid_cost", $"The cost to reserve ({maxCost}) must be zero or more and at most {MaxAmount}.");
        }

        var code = ValidateCurrency(currency);
        var holdFor = hold ?? options.Value.DefaultReservationHold;
        if (holdFor <= TimeSpan.Zero || holdFor > TimeSpan.FromDays(7))
        {
            throw AllixiosException.Invalid("invalid_hold", $"A reservation's hold ({holdFor}) must be more than zero and at most 7 days.");
        }

        var now = time.GetUtcNow();
        var result = await store.ReserveAsync(TimeOrderedIds.CreateVersion7(now), new ReservationRequest(tenantId, apiKeyId, Round(maxCost), code, now + holdFor), cancellationToken);
        var tags = new TagList { { "outcome", result.IsGranted ? "granted" : "refused" } };
        UsageInstruments.BudgetReservations.Add(1, tags);
        if (result.IsGranted && result.Reservation.Warnings.Count > 0)
        {
            UsageInstruments.BudgetWarnings.Add(result.Reservation.Warnings.Count);
        }

        return result;
    }

    /// <summary>
    /// Reserves like <see cref="ReserveAsync"/>, but throws when refused: for callers that stop on a refusal.
    /// </summary>
    /// <exception cref="BudgetExceededException">The budget that refused, with its limit, spend and reset time.</exception>
    public async ValueTask<BudgetReservation> ReserveOrThrowAsync(string tenantId, string? apiKeyId, decimal maxCost, string currency, TimeSpan? hold = null, CancellationToken cancellationToken = default)
    {
        var result = await ReserveAsync(tenantId, apiKeyId, maxCost, currency, hold, cancellationToken);
        return result.IsGranted ? result.Reservation : throw new BudgetExceededException(result.Refusal);
    }

    /// <summary>
    /// Settles <paramref name="reservation"/> with what the work actually cost (in the reservation's currency): the
    /// reserved amount is freed and <paramref name="actualCost"/> spent. Returns <see langword="false"/> when it was
    /// already settled or released (nothing changed); a lapsed reservation is still charged.
    /// </summary>
    /// <exception cref="AllixiosException">InvalidArgument for a negative cost.</exception>
    public ValueTask<bool> SettleAsync(BudgetReservation reservation, decimal actualCost, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reservation);
        if (actualCost is < 0 or > MaxAmount)
        {
            throw AllixiosException.Invalid("invalid_cost", $"The actual cost ({actualCost}) must be zero or more and at most {MaxAmount}.");
        }

        return store.SettleAsync(reservation, Round(actualCost), cancellationToken);
    }

    /// <summary>Frees <paramref name="reservation"/> without spending (the work failed or was cancelled before it cost anything); <see langword="false"/> when already finished.</summary>
    public ValueTask<bool> ReleaseAsync(BudgetReservation reservation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reservation);
        return store.ReleaseAsync(reservation, cancellationToken);
    }

    internal static decimal Round(decimal amount) => Math.Round(amount, AmountDecimals, MidpointRounding.ToEven);

    internal static string ValidateCurrency(string? currency)
    {
        var code = currency?.Trim().ToUpperInvariant();
        if (!Currencies.IsKnown(code))
        {
            throw AllixiosException.Invalid("unknown_currency", $"'{currency}' is not an ISO 4217 currency code: use a code such as USD, EUR or GBP.");
        }

        return code!;
    }

    private static void ValidateTenant(string tenantId)
    {
        if (string.IsNullOrWhiteSpace(tenantId))
        {
            throw AllixiosException.Invalid("invalid_tenant_id", "A tenant id is required.");
        }
    }

    private static void ValidateLimit(decimal limit)
    {
        if (limit is < 0 or > MaxAmount)
        {
            throw AllixiosException.Invalid("invalid_limit", $"A budget's limit ({limit}) must be zero or more and at most {MaxAmount}; zero stops all spending.");
        }
    }

    private static void ValidateRatio(decimal ratio)
    {
        if (ratio is < 0 or > 1)
        {
            throw AllixiosException.Invalid("invalid_warning_ratio", $"The warning ratio ({ratio}) is a share of the limit: use 0 to 1, e.g. 0.8 to warn at 80%.");
        }
    }

    private static string ValidateName(string name)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > 100)
        {
            throw AllixiosException.Invalid("invalid_budget_name", "A budget's name must be 1 to 100 characters and not blank.");
        }

        return name.Trim();
    }
}

namespace Allixios.Usage;

/// <summary>
/// Money set aside in every budget that applies to a tenant (and API key) until the work is done. Settle it with
/// the actual cost (<see cref="BudgetClient.SettleAsync"/>), or release it when the work failed or was cancelled
/// (<see cref="BudgetClient.ReleaseAsync"/>); one that is neither lapses at <see cref="ExpiresAt"/>.
/// </summary>
/// <param name="Id">Its id.</param>
/// <param name="TenantId">The tenant that pays.</param>
/// <param name="ApiKeyId">The API key it was made for, or none.</param>
/// <param name="Amount">What was set aside.</param>
/// <param name="Currency">The ISO 4217 code of <paramref name="Amount"/>.</param>
/// <param name="ExpiresAt">When it lapses unless settled or released.</param>
/// <param name="BudgetIds">The budgets it holds money in; empty when none applied (nothing limits this spending).</param>
/// <param name="Warnings">The budgets that reached their soft warning threshold with this reservation.</param>
public sealed record BudgetReservation(
    Guid Id,
    string TenantId,
    string? ApiKeyId,
    decimal Amount,
    string Currency,
    DateTimeOffset ExpiresAt,
    IReadOnlyList<Guid> BudgetIds,
    IReadOnlyList<BudgetWarning> Warnings);

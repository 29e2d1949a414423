namespace Allixios.Usage;

/// <summary>What to reserve before work that costs money: the most it can cost, for whom.</summary>
/// <param name="TenantId">The tenant that pays.</param>
/// <param name="ApiKeyId">The API key that asked for the work, or none; its own budgets apply beside the tenant's.</param>
/// <param name="Amount">The most the work can cost (for an AI call: prompt tokens × input price + max output tokens × output price), zero or more.</param>
/// <param name="Currency">The ISO 4217 code <paramref name="Amount"/> is in; it must be every applicable budget's currency.</param>
/// <param name="ExpiresAt">When the reservation lapses if it is never settled or released (its worker crashed): its amount is then freed.</param>
public sealed record ReservationRequest(string TenantId, string? ApiKeyId, decimal Amount, string Currency, DateTimeOffset ExpiresAt);

namespace Allixios.Usage;

/// <summary>The checks every ledger makes before it records an entry, so both stores refuse the same bad input.</summary>
internal static class UsageEntryValidation
{
    public static UsageEntry Ensure(UsageEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (string.IsNullOrWhiteSpace(entry.TenantId))
        {
            throw AllixiosException.Invalid("invalid_tenant_id", "A usage entry needs the tenant that paid.");
        }

        if (entry.Cost < 0 || entry.InputTokens < 0 || entry.OutputTokens < 0 || entry.Latency < TimeSpan.Zero)
        {
            throw AllixiosException.Invalid("invalid_usage", $"Cost ({entry.Cost}), tokens ({entry.InputTokens} in, {entry.OutputTokens} out) and latency ({entry.Latency}) of a usage entry must be zero or more.");
        }

        return entry with { Currency = BudgetClient.ValidateCurrency(entry.Currency), Cost = BudgetClient.Round(entry.Cost) };
    }
}

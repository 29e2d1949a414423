namespace Allixios.Usage;

/// <summary>The checks every ledger makes on what it is given, so both stores refuse the same bad input.</summary>
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

    public static void EnsureRetentionBatch(int batchSize)
    {
        if (batchSize is < 1 or > 100_000)
        {
            throw AllixiosException.Invalid("usage_retention_batch_out_of_range", $"A retention batch of {batchSize}; use 1 to 100,000.");
        }
    }
}

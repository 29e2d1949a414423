namespace Allixios.Usage;

/// <summary>
/// The usage ledger: every metered piece of work with its tokens, cost, latency and outcome, in memory in the embedded
/// default and in PostgreSQL in production, and the analytics over it.
/// </summary>
public interface IUsageLedger
{
    /// <summary>Adds <paramref name="entry"/>; recording the same id again changes nothing (a retried write is not counted twice).</summary>
    ValueTask RecordAsync(UsageEntry entry, CancellationToken cancellationToken = default);

    /// <summary>The entries that match, newest first (by time, then id), at most <see cref="UsageQuery.Limit"/>.</summary>
    ValueTask<IReadOnlyList<UsageEntry>> ListAsync(UsageQuery query, CancellationToken cancellationToken = default);

    /// <summary>
    /// The matching entries summed by <paramref name="groupBy"/> (and always by currency), ordered by the grouped
    /// dimensions (day ascending) and then currency. <see cref="UsageQuery.Before"/> and <see cref="UsageQuery.Limit"/> do not apply.
    /// </summary>
    ValueTask<IReadOnlyList<UsageSummary>> SummarizeAsync(UsageQuery query, UsageDimensions groupBy, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes, across every tenant and oldest first, up to <paramref name="batchSize"/> (1 to 100,000) entries recorded
    /// for before <paramref name="cutoff"/>. Returns how many it deleted; call again while that reaches
    /// <paramref name="batchSize"/>. <see cref="UsageLedgerRetention"/> calls it with <see cref="UsageOptions.LedgerRetention"/>.
    /// </summary>
    ValueTask<int> DeleteOlderThanAsync(DateTimeOffset cutoff, int batchSize, CancellationToken cancellationToken = default);
}

namespace Allixios.Usage;

/// <summary>The embedded default <see cref="IUsageLedger"/>: entries in process memory, gone when the process ends.</summary>
public sealed class InMemoryUsageLedger : IUsageLedger
{
    private readonly Lock _gate = new();
    private readonly Dictionary<Guid, UsageEntry> _entries = [];

    /// <inheritdoc />
    public ValueTask RecordAsync(UsageEntry entry, CancellationToken cancellationToken = default)
    {
        entry = UsageEntryValidation.Ensure(entry);
        lock (_gate)
        {
            _entries.TryAdd(entry.Id, entry);
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<UsageEntry>> ListAsync(UsageQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        lock (_gate)
        {
            var matching = Matching(query);
            if (query.Before is { } before && _entries.TryGetValue(before, out var cursor))
            {
                matching = matching.Where(e => e.At < cursor.At || (e.At == cursor.At && e.Id.CompareTo(before) < 0));
            }

            IReadOnlyList<UsageEntry> page = [.. matching.OrderByDescending(e => e.At).ThenByDescending(e => e.Id).Take(query.Limit)];
            return ValueTask.FromResult(page);
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<UsageSummary>> SummarizeAsync(UsageQuery query, UsageDimensions groupBy, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        lock (_gate)
        {
            IReadOnlyList<UsageSummary> rows = [.. Matching(query)
                .GroupBy(e => new UsageSummary(e.Currency, 0, 0, 0, 0, 0, TimeSpan.Zero)
                {
                    TenantId = groupBy.HasFlag(UsageDimensions.Tenant) ? e.TenantId : null,
                    ApiKeyId = groupBy.HasFlag(UsageDimensions.ApiKey) ? e.ApiKeyId : null,
                    Model = groupBy.HasFlag(UsageDimensions.Model) ? e.Model : null,
                    Provider = groupBy.HasFlag(UsageDimensions.Provider) ? e.Provider : null,
                    JobType = groupBy.HasFlag(UsageDimensions.JobType) ? e.JobType : null,
                    Day = groupBy.HasFlag(UsageDimensions.Day) ? DateOnly.FromDateTime(e.At.UtcDateTime) : null,
                })
                .Select(g => g.Key with
                {
                    Calls = g.LongCount(),
                    Failures = g.LongCount(e => e.Outcome != UsageOutcome.Succeeded),
                    InputTokens = g.Sum(e => e.InputTokens),
                    OutputTokens = g.Sum(e => e.OutputTokens),
                    Cost = g.Sum(e => e.Cost),
                    AverageLatency = TimeSpan.FromMilliseconds(g.Average(e => e.Latency.TotalMilliseconds)),
                })
                .OrderBy(r => r.TenantId, StringComparer.Ordinal)
                .ThenBy(r => r.ApiKeyId, StringComparer.Ordinal)
                .ThenBy(r => r.Model, StringComparer.Ordinal)
                .ThenBy(r => r.Provider, StringComparer.Ordinal)
                .ThenBy(r => r.JobType, StringComparer.Ordinal)
                .ThenBy(r => r.Day)
                .ThenBy(r => r.Currency, StringComparer.Ordinal)];
            return ValueTask.FromResult(rows);
        }
    }

    private IEnumerable<UsageEntry> Matching(UsageQuery q) => _entries.Values.Where(e =>
        (q.TenantId is null || e.TenantId == q.TenantId)
        && (q.From is null || e.At >= q.From)
        && (q.To is null || e.At < q.To)
        && (q.ApiKeyId is null || e.ApiKeyId == q.ApiKeyId)
        && (q.Model is null || e.Model == q.Model)
        && (q.Provider is null || e.Provider == q.Provider)
        && (q.JobType is null || e.JobType == q.JobType));
}

namespace Allixios.Usage;

/// <summary>
/// The embedded default <see cref="IUsageLedger"/>: entries in process memory, gone when the process ends, and at most
/// <see cref="Capacity"/> of them: recording one more drops the oldest, so a long-running process stays bounded.
/// </summary>
public sealed class InMemoryUsageLedger : IUsageLedger
{
    private readonly Lock _gate = new();
    private static readonly Comparer<UsageEntry> Order = Comparer<UsageEntry>.Create(static (a, b) =>
    {
        var byTime = a.At.CompareTo(b.At);
        return byTime != 0 ? byTime : a.Id.CompareTo(b.Id);
    });

    private readonly Dictionary<Guid, UsageEntry> _entries = [];

    // The entries from _start on, oldest first (by time, then id), as they are listed (newest first) and dropped (oldest
    // first). Calls are recorded as they end, so nearly every entry is the newest and is appended; dropping the oldest
    // moves _start on, and the emptied head is cut off once it is the larger part.
    private readonly List<UsageEntry> _byTime = [];
    private int _start;

    /// <summary>A ledger that keeps at most <paramref name="capacity"/> entries (default 100,000, as <see cref="UsageOptions.InMemoryLedgerCapacity"/>).</summary>
    public InMemoryUsageLedger(int capacity = 100_000)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
    }

    /// <summary>The most entries kept.</summary>
    public int Capacity { get; }

    /// <inheritdoc />
    public ValueTask RecordAsync(UsageEntry entry, CancellationToken cancellationToken = default)
    {
        entry = UsageEntryValidation.Ensure(entry);
        lock (_gate)
        {
            if (_entries.TryAdd(entry.Id, entry))
            {
                var end = _byTime.Count;
                _byTime.Insert(end > _start && Order.Compare(_byTime[end - 1], entry) > 0 ? Position(entry) : end, entry);
                if (_entries.Count > Capacity)
                {
                    RemoveOldest();
                }
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<UsageEntry>> ListAsync(UsageQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        lock (_gate)
        {
            // Entries before the cursor (when it is still kept), newest first.
            var end = query.Before is { } before && _entries.TryGetValue(before, out var cursor) ? Position(cursor) : _byTime.Count;
            IReadOnlyList<UsageEntry> page = [.. NewestFirst(end).Where(e => Matches(e, query)).Take(query.Limit)];
            return ValueTask.FromResult(page);
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<UsageSummary>> SummarizeAsync(UsageQuery query, UsageDimensions groupBy, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        lock (_gate)
        {
            IReadOnlyList<UsageSummary> rows = [.. _byTime.Skip(_start).Where(e => Matches(e, query))
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

    /// <inheritdoc />
    public ValueTask<int> DeleteOlderThanAsync(DateTimeOffset cutoff, int batchSize, CancellationToken cancellationToken = default)
    {
        UsageEntryValidation.EnsureRetentionBatch(batchSize);
        var deleted = 0;
        lock (_gate)
        {
            while (deleted < batchSize && _start < _byTime.Count && _byTime[_start].At < cutoff)
            {
                RemoveOldest();
                deleted++;
            }
        }

        return ValueTask.FromResult(deleted);
    }

    /// <summary>Where <paramref name="entry"/> is, or would go, among the kept entries.</summary>
    private int Position(UsageEntry entry)
    {
        var found = _byTime.BinarySearch(_start, _byTime.Count - _start, entry, Order);
        return found >= 0 ? found : ~found;
    }

    private IEnumerable<UsageEntry> NewestFirst(int end)
    {
        for (var i = end - 1; i >= _start; i--)
        {
            yield return _byTime[i];
        }
    }

    private void RemoveOldest()
    {
        _entries.Remove(_byTime[_start].Id);
        _byTime[_start++] = null!;
        if (_start > 1024 && _start > _byTime.Count - _start)
        {
            _byTime.RemoveRange(0, _start);
            _start = 0;
        }
    }

    private static bool Matches(UsageEntry e, UsageQuery q) =>
        (q.TenantId is null || e.TenantId == q.TenantId)
        && (q.From is null || e.At >= q.From)
        && (q.To is null || e.At < q.To)
        && (q.ApiKeyId is null || e.ApiKeyId == q.ApiKeyId)
        && (q.Model is null || e.Model == q.Model)
        && (q.Provider is null || e.Provider == q.Provider)
        && (q.JobType is null || e.JobType == q.JobType);
}

namespace Allixios.Quality;

/// <summary>The embedded default <see cref="IQualityLedger"/>: scores in process memory, gone when the process ends.</summary>
public sealed class InMemoryQualityLedger : IQualityLedger
{
    private readonly Lock _gate = new();
    private readonly Dictionary<Guid, QualityRecord> _records = [];

    /// <inheritdoc />
    public ValueTask RecordAsync(QualityRecord record, CancellationToken cancellationToken = default)
    {
        record = QualityRecordValidation.Ensure(record);
        lock (_gate)
        {
            _records.TryAdd(record.Id, record);
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<QualitySummary>> SummarizeAsync(QualityQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        lock (_gate)
        {
            IReadOnlyList<QualitySummary> rows = [.. _records.Values
                .Where(r => (query.TenantId is null || r.TenantId == query.TenantId)
                    && (query.From is null || r.At >= query.From)
                    && (query.To is null || r.At < query.To)
                    && (query.JobType is null || r.JobType == query.JobType)
                    && (query.Model is null || r.Model == query.Model))
                .GroupBy(r => (r.JobType, r.Model))
                .Select(g => new QualitySummary(g.Key.JobType, g.Key.Model, g.LongCount(), g.Average(r => r.Score), g.Min(r => r.Score)))
                .OrderBy(s => s.JobType, StringComparer.Ordinal)
                .ThenBy(s => s.Model, StringComparer.Ordinal)];
            return ValueTask.FromResult(rows);
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<QualityRecord>> LatestByModelAsync(IReadOnlyCollection<string> models, int perModel, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(models);
        ArgumentOutOfRangeException.ThrowIfLessThan(perModel, 1);
        var wanted = new HashSet<string>(models, StringComparer.OrdinalIgnoreCase);
        lock (_gate)
        {
            IReadOnlyList<QualityRecord> rows = [.. _records.Values
                .Where(r => wanted.Contains(r.Model))
                .GroupBy(r => r.Model, StringComparer.OrdinalIgnoreCase)
                .SelectMany(g => g.OrderByDescending(r => r.At).ThenByDescending(r => r.Id).Take(perModel))
                .OrderBy(r => r.At)
                .ThenBy(r => r.Id)];
            return ValueTask.FromResult(rows);
        }
    }
}

namespace Allixios.Quality;

/// <summary>
/// The quality ledger: the scores of models' answers by tenant, job type and model, in memory in the embedded default
/// and in PostgreSQL in production. With the usage ledger's costs, it tells which cheaper model is good enough.
/// </summary>
public interface IQualityLedger
{
    /// <summary>Adds <paramref name="record"/>; recording the same id again changes nothing.</summary>
    /// <exception cref="AllixiosException">InvalidArgument: a score outside 0–100, or no tenant or model.</exception>
    ValueTask RecordAsync(QualityRecord record, CancellationToken cancellationToken = default);

    /// <summary>The matching scores by job type and model, ordered by job type (none first), then model (ordinal).</summary>
    ValueTask<IReadOnlyList<QualitySummary>> SummarizeAsync(QualityQuery query, CancellationToken cancellationToken = default);

    /// <summary>
    /// The newest <paramref name="perModel"/> scores of each of <paramref name="models"/> (names matched ignoring case,
    /// as the router matches them), of every tenant, oldest first (by time, then id): what the router's moving quality
    /// is rebuilt from when a process starts.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="perModel"/> is below 1.</exception>
    ValueTask<IReadOnlyList<QualityRecord>> LatestByModelAsync(IReadOnlyCollection<string> models, int perModel, CancellationToken cancellationToken = default);
}

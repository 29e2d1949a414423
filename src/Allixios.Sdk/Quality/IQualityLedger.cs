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
}

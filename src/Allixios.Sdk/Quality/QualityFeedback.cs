using Allixios.AiRouting;
using Allixios.Diagnostics;
using System.Diagnostics;

namespace Allixios.Quality;

/// <summary>
/// Where scores of models' answers go: the quality ledger (for analytics and cost recommendations) and, when AI routing
/// is added, the router's moving quality of the model (<see cref="AiRouter.RecordQuality"/>), which its quality floor and
/// quality-first policy use. Before the first score is fed, the router's moving quality is rebuilt from the ledger's
/// newest scores (<see cref="AiRoutingOptions.QualityRestoreScores"/>), so it survives a restart.
/// </summary>
public sealed class QualityFeedback
{
    private readonly IQualityLedger _ledger;
    private readonly AiRouter? _router;
    private readonly QualityEstimateRestore? _restore;

    /// <summary>Creates the feedback over <paramref name="ledger"/> and, when AI routing is added, <paramref name="router"/>.</summary>
    /// <param name="ledger">The quality ledger.</param>
    /// <param name="router">The AI router, when AI routing is added.</param>
    public QualityFeedback(IQualityLedger ledger, AiRouter? router = null)
        : this(ledger, router, new QualityEstimateRestore(ledger ?? throw new ArgumentNullException(nameof(ledger)), router))
    {
    }

    internal QualityFeedback(IQualityLedger ledger, AiRouter? router, QualityEstimateRestore? restore)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        _ledger = ledger;
        _router = router;
        _restore = restore;
    }

    /// <summary>Records <paramref name="record"/> in the ledger and feeds its score to the router.</summary>
    /// <exception cref="AllixiosException">InvalidArgument: a score outside 0–100, or no tenant or model.</exception>
    public async ValueTask RecordAsync(QualityRecord record, CancellationToken cancellationToken = default)
    {
        record = QualityRecordValidation.Ensure(record);
        if (_restore is not null)
        {
            // The rebuild reads the ledger; feeding only after it keeps this score from being counted twice or lost.
            await _restore.EnsureAsync(cancellationToken);
        }

        await _ledger.RecordAsync(record, cancellationToken);
        _router?.RecordQuality(record.Model, record.Score);
        AllixiosTelemetry.QualityScores.Record(record.Score, new TagList { { "kind", "generated" }, { "model", record.Model }, { "job_type", record.JobType } });
    }
}

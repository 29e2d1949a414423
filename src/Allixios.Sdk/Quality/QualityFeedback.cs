using Allixios.AiRouting;
using Allixios.Diagnostics;
using System.Diagnostics;

namespace Allixios.Quality;

/// <summary>
/// Where scores of models' answers go: the quality ledger (for analytics and cost recommendations) and, when AI routing
/// is added, the router's moving quality of the model (<see cref="AiRouter.RecordQuality"/>), which its quality floor and
/// quality-first policy use.
/// </summary>
/// <param name="ledger">The quality ledger.</param>
/// <param name="router">The AI router, when AI routing is added.</param>
public sealed class QualityFeedback(IQualityLedger ledger, AiRouter? router = null)
{
    /// <summary>Records <paramref name="record"/> in the ledger and feeds its score to the router.</summary>
    /// <exception cref="AllixiosException">InvalidArgument: a score outside 0–100, or no tenant or model.</exception>
    public async ValueTask RecordAsync(QualityRecord record, CancellationToken cancellationToken = default)
    {
        record = QualityRecordValidation.Ensure(record);
        await ledger.RecordAsync(record, cancellationToken);
        router?.RecordQuality(record.Model, record.Score);
        AllixiosTelemetry.QualityScores.Record(record.Score, new TagList { { "kind", "generated" }, { "model", record.Model }, { "job_type", record.JobType } });
    }
}

using Allixios.Usage;

namespace Allixios.AiRouting;

/// <summary>One metered call; it finishes (settles or releases, and records) exactly once.</summary>
internal sealed class AiMeteredCall(BudgetClient? budgets, IUsageLedger? ledger, TimeProvider time, string tenantId, string? apiKeyId, Guid? jobId, string? jobType, long started)
{
    private int _finished;

    public BudgetReservation? Reservation { get; set; }

    /// <summary>Settles the reservation with what the call cost and records it; nothing happens when already finished.</summary>
    public async ValueTask ChargeAsync(UsageOutcome outcome, AiUsageReport report)
    {
        if (Interlocked.Exchange(ref _finished, 1) != 0)
        {
            return;
        }

        // The caller's token may be cancelled by now; money was spent, so the books are written regardless.
        if (Reservation is not null && budgets is not null)
        {
            await budgets.SettleAsync(Reservation, report.Cost, CancellationToken.None);
        }

        await RecordAsync(outcome, report);
    }

    /// <summary>Releases the reservation (nothing answered, nothing was spent) and records the failure; nothing happens when already finished.</summary>
    public async ValueTask ReleaseAsync(UsageOutcome outcome)
    {
        if (Interlocked.Exchange(ref _finished, 1) != 0)
        {
            return;
        }

        if (Reservation is not null && budgets is not null)
        {
            await budgets.ReleaseAsync(Reservation, CancellationToken.None);
        }

        await RecordAsync(outcome, null);
    }

    internal async ValueTask RecordAsync(UsageOutcome outcome, AiUsageReport? report)
    {
        if (ledger is null)
        {
            return;
        }

        var now = time.GetUtcNow();
        await ledger.RecordAsync(
            new UsageEntry(TimeOrderedIds.CreateVersion7(now), tenantId, now, report?.Cost ?? 0, AiCallMeter.Currency, outcome)
            {
                ApiKeyId = apiKeyId,
                JobId = jobId,
                JobType = jobType,
                Model = report?.Model,
                Provider = report?.ProviderName,
                InputTokens = report?.InputTokens ?? 0,
                OutputTokens = report?.OutputTokens ?? 0,
                Latency = time.GetElapsedTime(started),
            },
            CancellationToken.None);
    }
}

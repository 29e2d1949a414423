using Allixios.Diagnostics;
using Allixios.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Allixios.Usage;

/// <summary>
/// Deletes usage ledger entries older than <see cref="UsageOptions.LedgerRetention"/> every
/// <see cref="UsageOptions.LedgerRetentionInterval"/>, in batches so that no statement holds many locks. Several replicas
/// may run it at once: each batch deletes what is old, whoever gets there first.
/// </summary>
public sealed partial class UsageLedgerRetention(
    IUsageLedger ledger,
    IOptions<UsageOptions> options,
    TimeProvider time,
    ILogger<UsageLedgerRetention> logger) : BackgroundService
{
    /// <summary>How many entries one batch deletes at most.</summary>
    public const int BatchSize = 1_000;

    /// <summary>One pass: deletes every entry older than the retention, batch by batch; returns how many it deleted.</summary>
    public async Task<int> PruneAsync(CancellationToken cancellationToken = default)
    {
        var cutoff = time.GetUtcNow() - options.Value.LedgerRetention;
        var deleted = await BatchedRetention.PruneAsync((size, token) => ledger.DeleteOlderThanAsync(cutoff, size, token), BatchSize, cancellationToken);
        if (deleted > 0)
        {
            LogPruned(deleted, cutoff);
        }

        return deleted;
    }

    /// <inheritdoc />
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        BatchedRetention.RunAsync(PruneAsync, () => options.Value.LedgerRetentionInterval, time, LogError, stoppingToken);

    [LoggerMessage(EventId = 2503, EventName = nameof(AllixiosLogEvents.UsageLedgerPruned), Level = LogLevel.Information, Message = "Deleted {Count} usage ledger entries from before {Cutoff}.")]
    private partial void LogPruned(int count, DateTimeOffset cutoff);

    [LoggerMessage(EventId = 2504, EventName = nameof(AllixiosLogEvents.UsageLedgerRetentionError), Level = LogLevel.Warning, Message = "Deleting old usage ledger entries failed; it is tried again after the interval.")]
    private partial void LogError(Exception exception);
}

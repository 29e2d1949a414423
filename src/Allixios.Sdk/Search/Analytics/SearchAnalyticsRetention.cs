using Allixios.Diagnostics;
using Allixios.Storage;
using Allixios.Search.Discovery;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Allixios.Search.Analytics;

/// <summary>
/// Deletes search analytics older than <see cref="SearchDiscoveryOptions.AnalyticsRetention"/> every
/// <see cref="SearchDiscoveryOptions.AnalyticsRetentionInterval"/>, in batches so that no statement holds many locks.
/// Several replicas may run it at once: each batch deletes what is old, whoever gets there first.
/// </summary>
public sealed partial class SearchAnalyticsRetention(
    ISearchAnalyticsStore store,
    IOptions<SearchDiscoveryOptions> options,
    TimeProvider time,
    ILogger<SearchAnalyticsRetention> logger) : BackgroundService
{
    /// <summary>How many queries and interactions one batch deletes at most.</summary>
    public const int BatchSize = 1_000;

    /// <summary>One pass: deletes everything older than the retention, batch by batch; returns how much it deleted.</summary>
    public async Task<int> PruneAsync(CancellationToken cancellationToken = default)
    {
        var cutoff = time.GetUtcNow() - options.Value.AnalyticsRetention;
        var deleted = await BatchedRetention.PruneAsync((size, token) => store.DeleteOlderThanAsync(cutoff, size, token), BatchSize, cancellationToken);
        if (deleted > 0)
        {
            LogPruned(deleted, cutoff);
        }

        return deleted;
    }

    /// <inheritdoc />
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        BatchedRetention.RunAsync(PruneAsync, () => options.Value.AnalyticsRetentionInterval, time, LogError, stoppingToken);

    [LoggerMessage(EventId = 4001, EventName = nameof(AllixiosLogEvents.SearchAnalyticsPruned), Level = LogLevel.Information, Message = "Deleted {Count} search queries and interactions from before {Cutoff}.")]
    private partial void LogPruned(int count, DateTimeOffset cutoff);

    [LoggerMessage(EventId = 4002, EventName = nameof(AllixiosLogEvents.SearchAnalyticsRetentionError), Level = LogLevel.Warning, Message = "Deleting old search analytics failed; it is tried again after the interval.")]
    private partial void LogError(Exception exception);
}

using Allixios.AiRouting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Allixios.Quality;

/// <summary>
/// Rebuilds the router's moving quality from the quality ledger once per process: at start (a startup task, after the
/// migrations), and in any case before <see cref="QualityFeedback"/> feeds the first new score, so a score recorded
/// while the restore reads cannot be lost or counted twice. A restore that fails (the database away at start) is
/// logged and tried again on the next score. Without AI routing it does nothing.
/// </summary>
internal sealed class QualityEstimateRestore(IQualityLedger ledger, AiRouter? router, ILogger<QualityEstimateRestore>? logger = null) : IAllixiosStartupTask
{
    private readonly Lock _gate = new();
    private readonly ILogger _logger = logger ?? (ILogger)NullLogger.Instance;
    private Task? _restore;

    /// <summary>After the schema migrations (0) and the bootstrap key (100).</summary>
    public int Order => 150;

    async Task IAllixiosStartupTask.RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await EnsureAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Routing works from the priors meanwhile; the next recorded score tries again.
            _logger.LogWarning(ex, "Could not rebuild the AI router's moving quality from the quality ledger at start; routing uses the models' priors until it succeeds.");
        }
    }

    /// <summary>Completes once the moving quality has been rebuilt; the first call starts the rebuild.</summary>
    public Task EnsureAsync(CancellationToken cancellationToken = default)
    {
        Task restore;
        lock (_gate)
        {
            if (_restore is null || _restore.IsFaulted || _restore.IsCanceled)
            {
                // Not tied to one caller's token: a caller that gives up must not cancel the restore for the others.
                _restore = RestoreAsync();
            }

            restore = _restore;
        }

        return restore.IsCompletedSuccessfully ? Task.CompletedTask : restore.WaitAsync(cancellationToken);
    }

    private async Task RestoreAsync()
    {
        // Without AI routing there is no moving quality to rebuild.
        var limit = router?.QualityRestoreScores ?? 0;
        if (router is null || limit == 0)
        {
            return;
        }

        var records = await ledger.LatestByModelAsync(router.QualityNames, limit);
        router.RestoreQuality(records.Select(r => (r.Model, r.Score)));
        if (records.Count > 0)
        {
            _logger.LogInformation("Rebuilt the AI router's moving quality from {Scores} stored quality scores.", records.Count);
        }
    }
}

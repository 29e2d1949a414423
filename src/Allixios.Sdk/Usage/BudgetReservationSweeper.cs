using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Allixios.Usage;

/// <summary>
/// Frees reservations that passed their expiry unsettled (their worker crashed or hung), so money held by dead work
/// comes back to the budget. Runs in every process; in PostgreSQL the sweeps skip each other's rows.
/// </summary>
internal sealed partial class BudgetReservationSweeper(IBudgetStore store, IOptions<UsageOptions> options, TimeProvider time, ILogger<BudgetReservationSweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                int expired, total = 0;
                do
                {
                    expired = await store.ExpireReservationsAsync(settings.ExpirySweepBatchSize, stoppingToken);
                    total += expired;
                }
                while (expired == settings.ExpirySweepBatchSize);

                if (total > 0)
                {
                    LogExpired(total);
                }

                await Task.Delay(settings.ExpirySweepInterval, time, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogSweepFailed(e);
                await Task.Delay(settings.ExpirySweepInterval, time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    [LoggerMessage(EventId = 2501, EventName = "BudgetReservationsExpired", Level = LogLevel.Information, Message = "Freed {Count} budget reservations that expired unsettled.")]
    private partial void LogExpired(int count);

    [LoggerMessage(EventId = 2502, EventName = "BudgetSweepFailed", Level = LogLevel.Warning, Message = "Could not free expired budget reservations; trying again later.")]
    private partial void LogSweepFailed(Exception exception);
}

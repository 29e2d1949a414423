using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Allixios.Orchestration;

/// <summary>The hosted loop that runs <see cref="CronScheduleRunner"/> every <see cref="CronOptions.PollInterval"/>, on every replica that has it.</summary>
internal sealed partial class CronScheduler(CronScheduleRunner runner, IOptions<CronOptions> options, TimeProvider time, ILogger<CronScheduler> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.RunScheduler)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await runner.RunDueAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // The store is unreachable (e.g. PostgreSQL restarting): try again on the next tick; nothing is lost, as the
                // schedule's next fire time only moves once its jobs are enqueued.
                LogSchedulerError(e);
            }

            await Task.Delay(settings.PollInterval, time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    [LoggerMessage(EventId = 2102, EventName = "CronSchedulerError", Level = LogLevel.Warning, Message = "The cron scheduler could not reach its store or queue; it tries again.")]
    private partial void LogSchedulerError(Exception exception);
}

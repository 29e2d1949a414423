namespace Allixios.Orchestration;

/// <summary>
/// Creates the <see cref="JobQueueMonitor"/> at startup, so that the <c>allixios.jobs.depth</c> gauge reports from the
/// first scrape on, not only once something asked for the overview. It reads nothing from the queue itself.
/// </summary>
internal sealed class JobQueueMonitorStart(JobQueueMonitor monitor) : IAllixiosStartupTask
{
    public int Order => 200;

    public Task RunAsync(CancellationToken cancellationToken)
    {
        GC.KeepAlive(monitor);
        return Task.CompletedTask;
    }
}

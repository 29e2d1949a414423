namespace Allixios.Orchestration;

/// <summary>What a handler gets for one attempt of one job.</summary>
/// <typeparam name="TPayload">The payload type.</typeparam>
public sealed class JobContext<TPayload>
{
    private readonly Func<JobProgress, CancellationToken, ValueTask> _reportProgress;

    internal JobContext(Job job, TPayload payload, Func<JobProgress, CancellationToken, ValueTask> reportProgress, CancellationToken cancellationToken)
    {
        Job = job;
        Payload = payload;
        _reportProgress = reportProgress;
        CancellationToken = cancellationToken;
    }

    /// <summary>The job as leased: id, tenant, attempt, tags and the rest.</summary>
    public Job Job { get; }

    /// <summary>The job's input.</summary>
    public TPayload Payload { get; }

    /// <summary>Fires when the job is cancelled, times out, passes its deadline, loses its lease or the host stops.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>Records how far the job has got (0 to 100 percent) in its history, for people watching it.</summary>
    public ValueTask ReportProgressAsync(int percent, string? message = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(percent);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percent, 100);
        return _reportProgress(new JobProgress(percent, message), CancellationToken);
    }
}

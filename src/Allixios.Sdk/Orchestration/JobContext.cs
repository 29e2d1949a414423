using Allixios.Usage;

namespace Allixios.Orchestration;

/// <summary>What a handler gets for one attempt of one job.</summary>
/// <typeparam name="TPayload">The payload type.</typeparam>
public sealed class JobContext<TPayload>
{
    private readonly Func<JobProgress, CancellationToken, ValueTask> _reportProgress;
    private readonly JobCost _cost;

    internal JobContext(Job job, TPayload payload, Func<JobProgress, CancellationToken, ValueTask> reportProgress, CancellationToken cancellationToken, JobCost? cost = null)
    {
        Job = job;
        Payload = payload;
        _reportProgress = reportProgress;
        CancellationToken = cancellationToken;
        _cost = cost ?? new JobCost(null);
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

    /// <summary>
    /// The budget reservation this attempt runs under: the job's <see cref="Job.EstimatedCost"/>, held in its tenant's
    /// budgets; none when no budget applies (or admission is off). Work inside the job that meters itself (e.g. an AI
    /// call) should not reserve the same money again when the job carries an estimate: report the cost here instead.
    /// </summary>
    public BudgetReservation? BudgetReservation => _cost.Reservation;

    /// <summary>
    /// Adds <paramref name="cost"/> (in the admission currency, see <see cref="JobAdmissionOptions.Currency"/>) to what
    /// this attempt actually cost. When the attempt ends, its reservation is settled with the sum reported (also when it
    /// failed: the money was spent); with nothing reported, with the estimate on success or released on failure.
    /// </summary>
    public void ReportCost(decimal cost)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(cost);
        _cost.Report(cost);
    }
}

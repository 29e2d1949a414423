using Allixios.Usage;

namespace Allixios.Orchestration;

/// <summary>What a handler gets for one attempt of one job.</summary>
/// <typeparam name="TPayload">The payload type.</typeparam>
public sealed class JobContext<TPayload>
{
    private readonly IJobAttempt _attempt;

    internal JobContext(Job job, TPayload payload, IJobAttempt attempt)
    {
        Job = job;
        Payload = payload;
        _attempt = attempt;
    }

    /// <summary>The job as leased: id, tenant, attempt, tags and the rest.</summary>
    public Job Job { get; }

    /// <summary>The job's input.</summary>
    public TPayload Payload { get; }

    /// <summary>Fires when the job is cancelled, times out, passes its deadline, loses its lease or the host stops.</summary>
    /// <remarks>
    /// Made when the handler first reads it, with the time limit still counted from the start of the attempt, so an
    /// attempt whose handler never reads it costs no timer.
    /// </remarks>
    public CancellationToken CancellationToken => _attempt.CancellationToken;

    /// <summary>Records how far the job has got (0 to 100 percent) in its history, for people watching it.</summary>
    public ValueTask ReportProgressAsync(int percent, string? message = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(percent);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percent, 100);
        return _attempt.ReportProgressAsync(new JobProgress(percent, message), CancellationToken);
    }

    /// <summary>
    /// The budget reservation this attempt runs under: the job's <see cref="Job.EstimatedCost"/>, held in its tenant's
    /// budgets; none when no budget applies (or admission is off). Work inside the job that meters itself (e.g. an AI
    /// call) should not reserve the same money again when the job carries an estimate: report the cost here instead.
    /// </summary>
    public BudgetReservation? BudgetReservation => _attempt.Cost?.Reservation;

    /// <summary>
    /// Adds <paramref name="cost"/> (in the admission currency, see <see cref="JobAdmissionOptions.Currency"/>) to what
    /// this attempt actually cost. When the attempt ends, its reservation is settled with the sum reported (also when it
    /// failed: the money was spent); with nothing reported, with the estimate on success or released on failure.
    /// </summary>
    public void ReportCost(decimal cost)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(cost);
        // Without a reservation there is nothing to settle: no budget applies to the job.
        _attempt.Cost?.Report(cost);
    }
}

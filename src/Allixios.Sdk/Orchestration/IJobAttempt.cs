namespace Allixios.Orchestration;

/// <summary>What a <see cref="JobContext{TPayload}"/> reads from the attempt it belongs to: the worker's side of it.</summary>
internal interface IJobAttempt
{
    /// <summary>Fires when the attempt should stop; see <see cref="JobContext{TPayload}.CancellationToken"/>.</summary>
    CancellationToken CancellationToken { get; }

    /// <summary>What the attempt reported it cost and the reservation it runs under; none when no budget applies.</summary>
    JobCost? Cost { get; }

    /// <summary>Records the handler's progress in the job's history.</summary>
    ValueTask ReportProgressAsync(JobProgress progress, CancellationToken cancellationToken);
}

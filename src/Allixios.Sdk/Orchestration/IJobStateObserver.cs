namespace Allixios.Orchestration;

/// <summary>
/// Told of every change of a job's state in the <see cref="InMemoryJobQueue"/>, in the same atomic step as the change
/// (under the queue's lock): the in-memory counterpart of a trigger on the PostgreSQL <c>jobs</c> table. It must be
/// quick and must not call back into the queue.
/// </summary>
public interface IJobStateObserver
{
    /// <summary>The job, as changed, moved from <paramref name="from"/> to its current state.</summary>
    void OnStateChanged(Job job, JobState from);
}

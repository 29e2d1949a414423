namespace Allixios.Orchestration;

/// <summary>
/// Aging, so a low-priority job is never starved: a job's effective priority rises by one level for every
/// <see cref="StepPerPriority"/> it has waited past its due time. Ordering by effective priority is the same as ordering
/// by <see cref="DispatchAt"/> (the due time moved earlier by one step per priority level), which does not change while
/// the job waits; that is why both queues can sort, and PostgreSQL can index, by it.
/// </summary>
public static class JobAging
{
    /// <summary>
    /// The wait that is worth one priority level: 1 minute. A priority-0 job overtakes a freshly due priority-9 job of its
    /// tenant after 9 minutes. Fixed, because PostgreSQL stores the dispatch order in an indexed column (migration 0003).
    /// </summary>
    public static readonly TimeSpan StepPerPriority = TimeSpan.FromMinutes(1);

    /// <summary>The moment the job ranks by: earlier runs first (then the earlier created).</summary>
    public static DateTimeOffset DispatchAt(Job job)
    {
        ArgumentNullException.ThrowIfNull(job);
        return DispatchMoment(job.RunAt, job.Priority);
    }

    /// <summary><see cref="DispatchAt"/> from the two fields it depends on, for a queue that keeps them apart from a record.</summary>
    internal static DateTimeOffset DispatchMoment(DateTimeOffset runAt, int priority) => runAt - (StepPerPriority * priority);
}

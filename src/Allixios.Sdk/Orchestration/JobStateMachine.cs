using System.Collections.Frozen;

namespace Allixios.Orchestration;

/// <summary>
/// The one place that says which state changes of a job are legal. Both queues check every change here (the
/// PostgreSQL queue also builds the state filters of its SQL from <see cref="SourcesOf"/>), so the in-memory and
/// the durable queue cannot disagree.
/// </summary>
public static class JobStateMachine
{
    private static readonly FrozenDictionary<JobState, JobState[]> Targets = new Dictionary<JobState, JobState[]>
    {
        [JobState.Scheduled] = [JobState.Available, JobState.Cancelled],
        [JobState.Available] = [JobState.Running, JobState.Cancelled],
        [JobState.Running] = [JobState.Succeeded, JobState.Retrying, JobState.DeadLettered, JobState.Cancelled],
        [JobState.Retrying] = [JobState.Available, JobState.Cancelled],
        // Re-drive: a dead-lettered job gets a fresh set of attempts.
        [JobState.DeadLettered] = [JobState.Available],
        [JobState.Succeeded] = [],
        [JobState.Cancelled] = [],
        // A workflow step whose dependencies all succeeded is released; one whose dependency failed is cancelled.
        [JobState.Waiting] = [JobState.Scheduled, JobState.Available, JobState.Cancelled],
    }.ToFrozenDictionary();

    /// <summary>The states a new job may start in: <see cref="JobState.Scheduled"/> when delayed, else <see cref="JobState.Available"/>.</summary>
    public static IReadOnlyList<JobState> InitialStates { get; } = [JobState.Scheduled, JobState.Available];

    /// <summary>Whether a job in <paramref name="from"/> may move to <paramref name="to"/>.</summary>
    public static bool IsAllowed(JobState from, JobState to) => Targets[from].Contains(to);

    /// <summary>Whether no change leads out of <paramref name="state"/> but a re-drive: succeeded, cancelled or dead-lettered.</summary>
    public static bool IsFinished(JobState state) => state is JobState.Succeeded or JobState.Cancelled or JobState.DeadLettered;

    /// <summary>Every state from which <paramref name="to"/> may be reached, in enum order.</summary>
    public static IReadOnlyList<JobState> SourcesOf(JobState to) => Targets.Where(t => t.Value.Contains(to)).Select(t => t.Key).Order().ToList();

    /// <summary>Throws unless the job is dead-lettered: only those are re-driven (other ways to available are the queue's own).</summary>
    /// <exception cref="AllixiosException">FailedPrecondition, reason <c>job_not_dead_lettered</c>.</exception>
    public static void EnsureRedrivable(Guid jobId, JobState state)
    {
        if (state != JobState.DeadLettered)
        {
            throw new AllixiosException(
                AllixiosErrorKind.FailedPrecondition,
                "job_not_dead_lettered",
                $"Job {jobId} is {JobStates.ToName(state)}: only a dead-lettered job can be re-driven.");
        }

        EnsureAllowed(jobId, state, JobState.Available);
    }

    /// <summary>Throws when the change is illegal.</summary>
    /// <exception cref="AllixiosException">FailedPrecondition, reason <c>illegal_job_transition</c>, saying what state the job is in.</exception>
    public static void EnsureAllowed(Guid jobId, JobState from, JobState to)
    {
        if (!IsAllowed(from, to))
        {
            var legal = Targets[from];
            var next = legal.Length == 0 ? "it is final" : "from there it may only become " + string.Join(" or ", legal.Select(JobStates.ToName));
            throw new AllixiosException(
                AllixiosErrorKind.FailedPrecondition,
                "illegal_job_transition",
                $"Job {jobId} is {JobStates.ToName(from)} and cannot become {JobStates.ToName(to)}: {next}.");
        }
    }
}

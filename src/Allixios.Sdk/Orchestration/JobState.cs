namespace Allixios.Orchestration;

/// <summary>Where a job stands. <see cref="JobStateMachine"/> says which changes are legal.</summary>
public enum JobState
{
    /// <summary>Waiting for its run-at time (a delayed job).</summary>
    Scheduled,

    /// <summary>Due, waiting for a worker.</summary>
    Available,

    /// <summary>Leased by a worker that runs its handler.</summary>
    Running,

    /// <summary>Its handler finished; final.</summary>
    Succeeded,

    /// <summary>An attempt failed; waiting for its backoff to pass, then available again.</summary>
    Retrying,

    /// <summary>Its attempts are exhausted (or it failed for good); may be re-driven.</summary>
    DeadLettered,

    /// <summary>Cancelled before it finished; final.</summary>
    Cancelled,

    /// <summary>
    /// A workflow step waiting for the jobs it depends on to succeed; then scheduled or available. Cancelled when one of
    /// them is dead-lettered or cancelled.
    /// </summary>
    Waiting,
}

namespace Allixios.Orchestration;

/// <summary>The stable snake_case names of <see cref="JobState"/> values, as stored in PostgreSQL and shown to users.</summary>
public static class JobStates
{
    /// <summary>The name of <paramref name="state"/>, e.g. <c>dead_lettered</c>.</summary>
    public static string ToName(JobState state) => state switch
    {
        JobState.Scheduled => "scheduled",
        JobState.Available => "available",
        JobState.Running => "running",
        JobState.Succeeded => "succeeded",
        JobState.Retrying => "retrying",
        JobState.DeadLettered => "dead_lettered",
        JobState.Cancelled => "cancelled",
        JobState.Waiting => "waiting",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, "Unknown job state."),
    };

    /// <summary>The state named <paramref name="name"/>.</summary>
    public static JobState Parse(string name) => name switch
    {
        "scheduled" => JobState.Scheduled,
        "available" => JobState.Available,
        "running" => JobState.Running,
        "succeeded" => JobState.Succeeded,
        "retrying" => JobState.Retrying,
        "dead_lettered" => JobState.DeadLettered,
        "cancelled" => JobState.Cancelled,
        "waiting" => JobState.Waiting,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "Unknown job state name."),
    };
}

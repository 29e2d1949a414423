namespace Allixios.Orchestration;

/// <summary>
/// One step of a workflow that <see cref="JobClient.EnqueueWorkflowAsync"/> enqueues in one call: a job, named within
/// the workflow so that later steps can depend on it.
/// </summary>
/// <param name="Name">The step's name, unique within the workflow, 1 to 100 characters, e.g. <c>draft</c>.</param>
/// <param name="Job">The job to run; it takes no idempotency key (the workflow is enqueued whole or not at all).</param>
public sealed record WorkflowStep(string Name, NewJob Job)
{
    /// <summary>
    /// The names of the steps that must succeed before this one runs. Until then it is <see cref="JobState.Waiting"/>;
    /// when one of them is dead-lettered or cancelled, this step is cancelled with a reason naming it. Default: none.
    /// </summary>
    public IReadOnlyList<string> DependsOn { get; init; } = [];
}

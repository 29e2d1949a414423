namespace Allixios.Orchestration;

/// <summary>What both queues say about dependencies, so their wording cannot drift apart.</summary>
internal static class JobDependencies
{
    /// <summary>The state a waiting job moves to once every dependency succeeded: scheduled while its delay runs, else available.</summary>
    public static JobState ReleasedState(Job job, DateTimeOffset now) => job.RunAt > now ? JobState.Scheduled : JobState.Available;

    /// <summary>The reason a waiting job is cancelled with when <paramref name="dependency"/> failed for good.</summary>
    public static string CancelReason(Guid dependency, string dependencyType, JobState dependencyState) =>
        $"Cancelled because dependency {dependency} ({dependencyType}) was {JobStates.ToName(dependencyState).Replace('_', '-')}.";

    /// <summary>Throws unless the jobs and edges form a workflow a queue can take: new jobs, edges among them, waiting exactly when they have dependencies.</summary>
    public static void Validate(IReadOnlyList<Job> jobs, IReadOnlyList<JobDependency> dependencies)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        ArgumentNullException.ThrowIfNull(dependencies);
        if (jobs.Count == 0)
        {
            throw new ArgumentException("A workflow has at least one job.", nameof(jobs));
        }

        var ids = jobs.Select(j => j.Id).ToHashSet();
        if (ids.Count != jobs.Count || jobs.Any(j => j.TenantId != jobs[0].TenantId))
        {
            throw new ArgumentException("A workflow's jobs have distinct ids and one tenant.", nameof(jobs));
        }

        if (dependencies.Any(d => !ids.Contains(d.JobId) || !ids.Contains(d.DependsOn) || d.JobId == d.DependsOn))
        {
            throw new ArgumentException("Each dependency links two different jobs of the workflow.", nameof(dependencies));
        }

        var waiting = dependencies.Select(d => d.JobId).ToHashSet();
        foreach (var job in jobs)
        {
            var expected = waiting.Contains(job.Id) ? [JobState.Waiting] : JobStateMachine.InitialStates;
            if (!expected.Contains(job.State) || job.IdempotencyKey is not null)
            {
                throw new ArgumentException($"Workflow job {job.Id} must start {string.Join(" or ", expected.Select(JobStates.ToName))}, without an idempotency key.", nameof(jobs));
            }
        }
    }
}

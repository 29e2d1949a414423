namespace Allixios.Orchestration;

/// <summary>The checks every queue makes on a batch to enqueue before it writes anything.</summary>
internal static class JobBatches
{
    /// <summary>Checks that <paramref name="jobs"/> is a batch a queue can take and returns the tenant they all belong to.</summary>
    /// <exception cref="ArgumentException">An empty batch, jobs of several tenants, a job not in an initial state, or one id twice.</exception>
    public static string Validate(IReadOnlyList<Job> jobs)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        if (jobs.Count == 0)
        {
            throw new ArgumentException("A batch needs at least one job.", nameof(jobs));
        }

        var tenantId = jobs[0].TenantId;
        var ids = new HashSet<Guid>();
        for (var i = 0; i < jobs.Count; i++)
        {
            var job = jobs[i] ?? throw new ArgumentException($"jobs[{i}] is null.", nameof(jobs));
            if (!JobStateMachine.InitialStates.Contains(job.State))
            {
                throw new ArgumentException($"jobs[{i}]: a new job starts scheduled or available, not {JobStates.ToName(job.State)}.", nameof(jobs));
            }

            if (job.TenantId != tenantId)
            {
                throw new ArgumentException($"jobs[{i}] belongs to tenant '{job.TenantId}', jobs[0] to '{tenantId}': a batch is one tenant's.", nameof(jobs));
            }

            if (!ids.Add(job.Id))
            {
                throw new ArgumentException($"jobs[{i}]: job {job.Id} is in the batch twice.", nameof(jobs));
            }
        }

        return tenantId;
    }
}

namespace Allixios.Orchestration;

// Workflows in memory: which waiting jobs each job holds back, and what each waiting job still waits for. Every finish
// goes through Finish, which calls SettleDependents under the gate; that is the queue's one hook into completion.
public sealed partial class InMemoryJobQueue
{
    private readonly Dictionary<Guid, List<Guid>> _dependents = [];
    private readonly Dictionary<Guid, Guid[]> _dependencies = [];

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<Job>> EnqueueWorkflowAsync(IReadOnlyList<Job> jobs, IReadOnlyList<JobDependency> dependencies, CancellationToken cancellationToken = default)
    {
        JobDependencies.Validate(jobs, dependencies);
        lock (_gate)
        {
            if (jobs.FirstOrDefault(j => _jobs.ContainsKey(j.Id)) is { } existing)
            {
                throw new ArgumentException($"Job {existing.Id} exists already.", nameof(jobs));
            }

            foreach (var job in jobs)
            {
                var entry = new Entry(job, ++_sequence);
                Track(entry, add: true);
                entry.History.Add(new JobEvent(job.Id, job.CreatedAt, From: null, job.State, Worker: null, job.Attempt, Error: null, Progress: null));
                _jobs.Add(job.Id, entry);
            }

            foreach (var group in dependencies.GroupBy(d => d.JobId))
            {
                _dependencies[group.Key] = [.. group.Select(d => d.DependsOn).Distinct()];
            }

            foreach (var group in dependencies.GroupBy(d => d.DependsOn))
            {
                _dependents[group.Key] = [.. group.Select(d => d.JobId).Distinct()];
            }

            if (jobs.Any(j => j.State == JobState.Available))
            {
                Signal();
            }
        }

        return ValueTask.FromResult(jobs);
    }

    // Called under the gate once a job finished (succeeded, dead-lettered or cancelled).
    private void SettleDependents(Entry finished, DateTimeOffset now)
    {
        var job = finished.Job;
        _dependencies.Remove(job.Id);
        if (!_dependents.Remove(job.Id, out var dependents))
        {
            return;
        }

        foreach (var entry in dependents.Select(id => _jobs.GetValueOrDefault(id)).OfType<Entry>().Where(e => e.Job.State == JobState.Waiting))
        {
            if (job.State != JobState.Succeeded)
            {
                // Finish settles this job's own dependents in turn, so a failure cancels everything downstream.
                Finish(entry, JobState.Cancelled, now, worker: null, JobDependencies.CancelReason(job.Id, job.Type, job.State));
                continue;
            }

            // A dependency gone from the table finished long ago and was deleted after its retention: only succeeded
            // ones can be, as a failed one would have cancelled this job already.
            if (_dependencies[entry.Job.Id].All(d => !_jobs.TryGetValue(d, out var e) || e.Job.State == JobState.Succeeded))
            {
                _dependencies.Remove(entry.Job.Id);
                var to = JobDependencies.ReleasedState(entry.Job, now);
                Move(entry, entry.Job with { State = to, UpdatedAt = now }, worker: null, error: null);
                if (to == JobState.Available)
                {
                    Signal();
                }
            }
        }
    }
}

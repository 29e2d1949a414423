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
                entry.AddEvent(job.CreatedAt, from: null, job.State, worker: null, error: null, progress: null);
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
        _dependencies.Remove(finished.Id);
        if (!_dependents.Remove(finished.Id, out var dependents))
        {
            return;
        }

        foreach (var entry in dependents.Select(id => _jobs.GetValueOrDefault(id)).OfType<Entry>().Where(e => e.State == JobState.Waiting))
        {
            if (finished.State != JobState.Succeeded)
            {
                // Finish settles this job's own dependents in turn, so a failure cancels everything downstream.
                Finish(entry, JobState.Cancelled, now, worker: null, JobDependencies.CancelReason(finished.Id, finished.Type, finished.State));
                continue;
            }

            // A dependency gone from the table finished long ago and was deleted after its retention: only succeeded
            // ones can be, as a failed one would have cancelled this job already.
            if (_dependencies[entry.Id].All(d => !_jobs.TryGetValue(d, out var e) || e.State == JobState.Succeeded))
            {
                _dependencies.Remove(entry.Id);
                var to = JobDependencies.ReleasedState(entry.Job, now);
                Move(entry, to, now);
                if (to == JobState.Available)
                {
                    Signal();
                }
            }
        }
    }
}

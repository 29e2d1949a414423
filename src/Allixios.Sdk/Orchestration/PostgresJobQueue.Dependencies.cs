using Allixios.Storage;
using NpgsqlTypes;

namespace Allixios.Orchestration;

// Workflows on PostgreSQL: the job_dependencies table (migration 0006) says which job waits for which. A job that
// finished for good settles its waiting dependents in the same transaction (SettleDependentsAsync is the queue's one
// hook into completion, cancellation and rescue), so a dependent is released or cancelled exactly when its dependency's
// outcome commits.
public sealed partial class PostgresJobQueue
{
    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<Job>> EnqueueWorkflowAsync(IReadOnlyList<Job> jobs, IReadOnlyList<JobDependency> dependencies, CancellationToken cancellationToken = default)
    {
        JobDependencies.Validate(jobs, dependencies);
        var tenantId = jobs[0].TenantId;
        await using var scope = await PostgresScope.ForTenantAsync(_dataSource, tenantId, cancellationToken);
        foreach (var job in jobs)
        {
            await using var insert = scope.CreateCommand("""
                INSERT INTO jobs (job_id, tenant_id, job_type, payload, priority, idempotency_key, state, attempt, max_attempts, run_at, deadline, timeout,
                                  tags, estimated_cost, resource, created_at, updated_at)
                VALUES ($1, $2, $3, $4, $5, NULL, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
                """);
            insert.Parameters.Add(new() { Value = job.Id });
            insert.Parameters.Add(new() { Value = job.TenantId });
            insert.Parameters.Add(new() { Value = job.Type });
            insert.Parameters.Add(new() { Value = job.Payload, NpgsqlDbType = NpgsqlDbType.Jsonb });
            insert.Parameters.Add(new() { Value = (short)job.Priority });
            insert.Parameters.Add(new() { Value = JobStates.ToName(job.State) });
            insert.Parameters.Add(new() { Value = job.Attempt });
            insert.Parameters.Add(new() { Value = job.MaxAttempts });
            insert.Parameters.Add(Time(job.RunAt));
            insert.Parameters.Add(Time(job.Deadline));
            insert.Parameters.Add(new() { Value = job.Timeout, NpgsqlDbType = NpgsqlDbType.Interval });
            insert.Parameters.Add(new() { Value = job.Tags.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            insert.Parameters.Add(new() { Value = (object?)job.EstimatedCost ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Numeric });
            insert.Parameters.Add(Text(job.Resource));
            insert.Parameters.Add(Time(job.CreatedAt));
            insert.Parameters.Add(Time(job.UpdatedAt));
            await insert.ExecuteNonQueryAsync(cancellationToken);
            await AddEventAsync(scope, new JobEvent(job.Id, job.CreatedAt, From: null, job.State, Worker: null, job.Attempt, Error: null, Progress: null), tenantId, cancellationToken);
        }

        if (dependencies.Count > 0)
        {
            await using var edges = scope.CreateCommand("""
                INSERT INTO job_dependencies (tenant_id, job_id, depends_on)
                SELECT DISTINCT $1, e.job_id, e.depends_on FROM unnest($2::uuid[], $3::uuid[]) AS e (job_id, depends_on)
                """);
            edges.Parameters.Add(new() { Value = tenantId });
            edges.Parameters.Add(new() { Value = dependencies.Select(d => d.JobId).ToArray() });
            edges.Parameters.Add(new() { Value = dependencies.Select(d => d.DependsOn).ToArray() });
            await edges.ExecuteNonQueryAsync(cancellationToken);
        }

        if (jobs.Any(j => j.State == JobState.Available))
        {
            await NotifyAsync(scope, cancellationToken);
        }

        await scope.CommitAsync(cancellationToken);
        return [.. jobs.Select(j => j with { CreatedAt = Round(j.CreatedAt), UpdatedAt = Round(j.UpdatedAt), RunAt = Round(j.RunAt), Deadline = j.Deadline is { } d ? Round(d) : null })];
    }

    // Runs in the transaction that finished the jobs. Their waiting dependents are locked first, in id order (so two
    // settlements never deadlock), and only then checked in a fresh statement: under READ COMMITTED that statement sees
    // every dependency whose outcome committed before the lock was granted. So when the last two dependencies of a job
    // succeed at the same time, the second to take the lock sees the first and releases the job; neither misses it.
    private static async Task SettleDependentsAsync(PostgresScope scope, IReadOnlyList<Guid> finished, JobState outcome, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var frontier = finished.ToArray();
        while (frontier.Length > 0)
        {
            Guid[] dependents;
            await using (var lockWaiting = scope.CreateCommand("""
                SELECT j.job_id FROM jobs j
                WHERE j.state = 'waiting' AND j.job_id IN (SELECT job_id FROM job_dependencies WHERE depends_on = ANY($1))
                ORDER BY j.job_id FOR UPDATE
                """))
            {
                lockWaiting.Parameters.Add(new() { Value = frontier });
                dependents = [.. (await ReadIdsAsync(lockWaiting, cancellationToken))];
            }

            if (dependents.Length == 0)
            {
                return;
            }

            if (outcome == JobState.Succeeded)
            {
                await ReleaseReadyAsync(scope, dependents, now, cancellationToken);
                return;
            }

            // A cancelled dependent cancels its own dependents in the next round, and so on down the workflow.
            frontier = await CancelDependentsAsync(scope, frontier, dependents, now, cancellationToken);
        }
    }

    private static async Task ReleaseReadyAsync(PostgresScope scope, Guid[] dependents, DateTimeOffset now, CancellationToken cancellationToken)
    {
        JobStateMachine.EnsureAllowed(Guid.Empty, JobState.Waiting, JobState.Available);
        JobStateMachine.EnsureAllowed(Guid.Empty, JobState.Waiting, JobState.Scheduled);
        // A dependency missing from the table was deleted after its retention; only a succeeded one can have been, as a
        // failed one cancels its dependents, so a missing row counts as succeeded (its edge went with it, by cascade).
        await using var release = scope.CreateCommand($"""
            WITH released AS (
                UPDATE jobs j SET state = CASE WHEN j.run_at > $2 THEN 'scheduled' ELSE 'available' END, updated_at = $2
                WHERE j.job_id = ANY($1) AND j.state = 'waiting'
                  AND NOT EXISTS (
                      SELECT 1 FROM job_dependencies d JOIN jobs p ON p.job_id = d.depends_on
                      WHERE d.job_id = j.job_id AND p.state <> 'succeeded')
                RETURNING j.job_id, j.tenant_id, j.state, j.attempt
            ), recorded AS (
                INSERT INTO job_events ({EventColumns})
                SELECT job_id, tenant_id, $2, 'waiting', state, NULL, attempt, NULL, NULL, NULL FROM released
            )
            SELECT count(*) FILTER (WHERE state = 'available') FROM released
            """);
        release.Parameters.Add(new() { Value = dependents });
        release.Parameters.Add(Time(now));
        if ((long)(await release.ExecuteScalarAsync(cancellationToken))! > 0)
        {
            await NotifyAsync(scope, cancellationToken);
        }
    }

    private static async Task<Guid[]> CancelDependentsAsync(PostgresScope scope, Guid[] causes, Guid[] dependents, DateTimeOffset now, CancellationToken cancellationToken)
    {
        JobStateMachine.EnsureAllowed(Guid.Empty, JobState.Waiting, JobState.Cancelled);
        // The reason names the dependency that failed; the wording is JobDependencies.CancelReason's.
        await using var cancel = scope.CreateCommand($"""
            WITH cause AS (
                SELECT DISTINCT ON (d.job_id) d.job_id, p.job_id AS cause_id, p.job_type AS cause_type, p.state AS cause_state
                FROM job_dependencies d JOIN jobs p ON p.job_id = d.depends_on
                WHERE d.job_id = ANY($1) AND d.depends_on = ANY($2)
                ORDER BY d.job_id, p.job_id
            ), cancelled AS (
                UPDATE jobs j SET state = 'cancelled', finished_at = $3, updated_at = $3,
                    last_error = format('Cancelled because dependency %s (%s) was %s.', c.cause_id, c.cause_type, replace(c.cause_state, '_', '-'))
                FROM cause c WHERE j.job_id = c.job_id AND j.state = 'waiting'
                RETURNING j.job_id, j.tenant_id, j.attempt, j.last_error
            ), recorded AS (
                INSERT INTO job_events ({EventColumns})
                SELECT job_id, tenant_id, $3, 'waiting', 'cancelled', NULL, attempt, last_error, NULL, NULL FROM cancelled
            )
            SELECT job_id FROM cancelled
            """);
        cancel.Parameters.Add(new() { Value = dependents });
        cancel.Parameters.Add(new() { Value = causes });
        cancel.Parameters.Add(Time(now));
        return [.. await ReadIdsAsync(cancel, cancellationToken)];
    }

    private static async Task<List<Guid>> ReadIdsAsync(Npgsql.NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var ids = new List<Guid>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetGuid(0));
        }

        return ids;
    }
}

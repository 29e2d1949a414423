using Allixios.Storage;
using Npgsql;
using NpgsqlTypes;

namespace Allixios.Orchestration;

// Workflows on PostgreSQL: the job_dependencies table (migration 0006) holds the edges still unresolved: which waiting
// job waits for which job. A job that finished for good settles its waiting dependents in the same transaction (SettleDependentsAsync is the queue's one
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

    // Runs in the transaction that finished the jobs. The edges of a finished job are resolved either way, so they are
    // deleted: the table only ever holds what still waits, and a waiting job is ready once it has no edge left. Its
    // waiting dependents are then locked, in id order (so two settlements never deadlock), and only then checked in a
    // fresh statement: under READ COMMITTED that statement sees every edge deletion that committed before the lock was
    // granted. So when the last two dependencies of a job succeed at the same time, the second to take the lock sees the
    // first's deletion and releases the job; neither misses it.
    private static Task SettleDependentsAsync(PostgresScope scope, IReadOnlyList<Guid> finished, JobState outcome, DateTimeOffset now, CancellationToken cancellationToken) =>
        SettleDependentsAsync(scope.CreateCommand, finished, outcome, now, cancellationToken);

    // The same, for a transaction that is not a PostgresScope (the completion batcher's): createCommand makes a command
    // in that transaction.
    internal static async Task SettleDependentsAsync(Func<string, NpgsqlCommand> createCommand, IReadOnlyList<Guid> finished, JobState outcome, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var frontier = finished.ToArray();
        while (frontier.Length > 0)
        {
            List<(Guid JobId, Guid Cause)> resolved = [];
            await using (var delete = createCommand("""
                DELETE FROM job_dependencies WHERE depends_on = ANY($1) OR job_id = ANY($1)
                RETURNING job_id, depends_on, depends_on = ANY($1)
                """))
            {
                delete.Parameters.Add(new() { Value = frontier });
                await using var reader = await delete.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    if (reader.GetBoolean(2))
                    {
                        resolved.Add((reader.GetGuid(0), reader.GetGuid(1)));
                    }
                }
            }

            if (resolved.Count == 0)
            {
                return;
            }

            Guid[] waiting;
            await using (var lockWaiting = createCommand("SELECT job_id FROM jobs WHERE job_id = ANY($1) AND state = 'waiting' ORDER BY job_id FOR UPDATE"))
            {
                lockWaiting.Parameters.Add(new() { Value = resolved.Select(r => r.JobId).Distinct().ToArray() });
                waiting = [.. await ReadIdsAsync(lockWaiting, cancellationToken)];
            }

            if (outcome == JobState.Succeeded)
            {
                await ReleaseReadyAsync(createCommand, waiting, now, cancellationToken);
                return;
            }

            // A cancelled dependent cancels its own dependents in the next round, and so on down the workflow.
            var causes = resolved.Where(r => waiting.Contains(r.JobId)).GroupBy(r => r.JobId).Select(g => (JobId: g.Key, Cause: g.Min(r => r.Cause))).ToList();
            frontier = await CancelDependentsAsync(createCommand, causes, now, cancellationToken);
        }
    }

    private static async Task ReleaseReadyAsync(Func<string, NpgsqlCommand> createCommand, Guid[] waiting, DateTimeOffset now, CancellationToken cancellationToken)
    {
        JobStateMachine.EnsureAllowed(Guid.Empty, JobState.Waiting, JobState.Available);
        JobStateMachine.EnsureAllowed(Guid.Empty, JobState.Waiting, JobState.Scheduled);
        await using var release = createCommand($"""
            WITH released AS (
                UPDATE jobs j SET state = CASE WHEN j.run_at > $2 THEN 'scheduled' ELSE 'available' END, updated_at = $2
                WHERE j.job_id = ANY($1) AND j.state = 'waiting' AND NOT EXISTS (SELECT 1 FROM job_dependencies d WHERE d.job_id = j.job_id)
                RETURNING j.job_id, j.tenant_id, j.state, j.attempt
            ), recorded AS (
                INSERT INTO job_events ({EventColumns})
                SELECT job_id, tenant_id, $2, 'waiting', state, NULL, attempt, NULL, NULL, NULL FROM released
            )
            SELECT count(*) FILTER (WHERE state = 'available') FROM released
            """);
        release.Parameters.Add(new() { Value = waiting });
        release.Parameters.Add(Time(now));
        if ((long)(await release.ExecuteScalarAsync(cancellationToken))! > 0)
        {
            await NotifyAsync(createCommand, cancellationToken);
        }
    }

    private static async Task<Guid[]> CancelDependentsAsync(Func<string, NpgsqlCommand> createCommand, List<(Guid JobId, Guid Cause)> causes, DateTimeOffset now, CancellationToken cancellationToken)
    {
        JobStateMachine.EnsureAllowed(Guid.Empty, JobState.Waiting, JobState.Cancelled);
        // The reason names the dependency that failed; the wording is JobDependencies.CancelReason's.
        await using var cancel = createCommand($"""
            WITH cancelled AS (
                UPDATE jobs j SET state = 'cancelled', finished_at = $3, updated_at = $3,
                    last_error = format('Cancelled because dependency %s (%s) was %s.', p.job_id, p.job_type, replace(p.state, '_', '-'))
                FROM unnest($1::uuid[], $2::uuid[]) AS c (job_id, cause) JOIN jobs p ON p.job_id = c.cause
                WHERE j.job_id = c.job_id AND j.state = 'waiting'
                RETURNING j.job_id, j.tenant_id, j.attempt, j.last_error
            ), recorded AS (
                INSERT INTO job_events ({EventColumns})
                SELECT job_id, tenant_id, $3, 'waiting', 'cancelled', NULL, attempt, last_error, NULL, NULL FROM cancelled
            )
            SELECT job_id FROM cancelled
            """);
        cancel.Parameters.Add(new() { Value = causes.Select(c => c.JobId).ToArray() });
        cancel.Parameters.Add(new() { Value = causes.Select(c => c.Cause).ToArray() });
        cancel.Parameters.Add(Time(now));
        return [.. await ReadIdsAsync(cancel, cancellationToken)];
    }

    private static async Task<List<Guid>> ReadIdsAsync(NpgsqlCommand command, CancellationToken cancellationToken)
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

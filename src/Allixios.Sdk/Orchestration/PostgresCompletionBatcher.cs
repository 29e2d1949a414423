using Allixios.Storage;
using Npgsql;
using NpgsqlTypes;

namespace Allixios.Orchestration;

/// <summary>
/// Group commit for <see cref="PostgresJobQueue.CompleteAsync"/>: completions that arrive while one statement is in
/// flight wait for the next, which marks all of them succeeded and records their events in one round trip. Each row is
/// still guarded by its own lease token, so a job rescued or cancelled meanwhile is left alone and its caller told so.
/// No timer: a lone completion is written at once, and batches grow only as fast as completions queue up behind the
/// statement in flight, so it adds no latency and many workers' completions cost one statement instead of one each.
/// </summary>
internal sealed class PostgresCompletionBatcher(NpgsqlDataSource dataSource, TimeProvider time, string eventColumns)
{
    // Larger groups wait for the next statement, so one statement's arrays stay a few hundred kilobytes at most.
    private const int MaxGroup = 1000;

    private readonly Lock _gate = new();
    private List<Pending> _pending = [];
    private bool _flushing;

    public Task<bool> CompleteAsync(JobLease lease)
    {
        // The state machine allows Running → Succeeded; the lease guard below only matches a running job.
        JobStateMachine.EnsureAllowed(lease.Job.Id, JobState.Running, JobState.Succeeded);
        var pending = new Pending(lease, new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously));
        bool start;
        lock (_gate)
        {
            _pending.Add(pending);
            start = !_flushing;
            _flushing = true;
        }

        if (start)
        {
            _ = Task.Run(FlushAsync, CancellationToken.None);
        }

        return pending.Done.Task;
    }

    private async Task FlushAsync()
    {
        while (true)
        {
            List<Pending> group;
            lock (_gate)
            {
                if (_pending.Count == 0)
                {
                    _flushing = false;
                    return;
                }

                if (_pending.Count <= MaxGroup)
                {
                    group = _pending;
                    _pending = [];
                }
                else
                {
                    group = _pending.GetRange(0, MaxGroup);
                    _pending.RemoveRange(0, MaxGroup);
                }
            }

            try
            {
                var completed = await WriteAsync(group);
                foreach (var pending in group)
                {
                    // Removed as it is reported: a lease completed twice in one group counts once, as it would in turn.
                    pending.Done.TrySetResult(completed.Remove(pending.Lease.Token));
                }
            }
            catch (Exception e)
            {
                // Nothing was written (the group is one transaction): every caller sees the failure, as it would alone.
                foreach (var pending in group)
                {
                    pending.Done.TrySetException(e);
                }
            }
        }
    }

    private async Task<HashSet<Guid>> WriteAsync(List<Pending> group)
    {
        var now = time.GetUtcNow();
        // The system scope, as one group holds jobs of many tenants; the lease token (unique per lease, known only to its
        // worker) is what limits each row to the job that worker holds.
        await using var connection = await dataSource.OpenConnectionAsync(CancellationToken.None);
        await using var batch = PostgresScope.CreateBatch(connection, tenantId: null);
        var complete = new NpgsqlBatchCommand($"""
            WITH finished AS (
                -- lease_owner stays: the success event read from the row names it (migration 0020); the queue shows it only while
                -- the job runs.
                UPDATE jobs j SET state = 'succeeded', updated_at = $1, finished_at = $1, lease_token = NULL, lease_expires_at = NULL
                FROM unnest($2::uuid[], $3::uuid[], $4::text[]) AS c(job_id, token, worker)
                WHERE j.job_id = c.job_id AND j.lease_token = c.token AND j.state = 'running'
                RETURNING j.job_id, j.tenant_id, j.attempt, j.initial_state, c.token, c.worker
            ), recorded AS (
                -- A job with its initial state on its row has its success event read from the row too (migration 0010);
                -- only the others' is stored.
                INSERT INTO job_events ({eventColumns})
                SELECT job_id, tenant_id, $1, 'running', 'succeeded', worker, attempt, NULL, NULL, NULL FROM finished WHERE initial_state IS NULL
            )
            SELECT f.token, f.job_id, EXISTS (SELECT 1 FROM job_dependencies d WHERE d.depends_on = f.job_id) FROM finished f
            """);
        complete.Parameters.Add(new() { Value = now.ToUniversalTime(), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        complete.Parameters.Add(new() { Value = group.Select(p => p.Lease.Job.Id).ToArray() });
        complete.Parameters.Add(new() { Value = group.Select(p => p.Lease.Token).ToArray() });
        complete.Parameters.Add(new() { Value = group.Select(p => p.Lease.WorkerId).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        batch.BatchCommands.Add(complete);
        var completed = new HashSet<Guid>();
        List<Guid> withDependents = [];
        await PostgresScope.PrepareAsync(batch, CancellationToken.None);
        await using (var reader = await batch.ExecuteReaderAsync(CancellationToken.None))
        {
            await reader.NextResultAsync(CancellationToken.None);
            while (await reader.ReadAsync(CancellationToken.None))
            {
                completed.Add(reader.GetGuid(0));
                if (reader.GetBoolean(2))
                {
                    withDependents.Add(reader.GetGuid(1));
                }
            }
        }

        // Waiting workflow steps are released in the same transaction, so a dependency's success and its dependents'
        // release commit together (see PostgresJobQueue.Dependencies); most jobs have none and cost nothing here.
        if (withDependents.Count > 0)
        {
            await PostgresJobQueue.SettleDependentsAsync(sql => new NpgsqlCommand(sql, connection), withDependents, JobState.Succeeded, now, CancellationToken.None);
        }

        // Reported only once the COMMIT has run.
        await using (var commit = new NpgsqlCommand("COMMIT", connection))
        {
            await commit.ExecuteNonQueryAsync(CancellationToken.None);
        }

        return completed;
    }

    private sealed record Pending(JobLease Lease, TaskCompletionSource<bool> Done);
}

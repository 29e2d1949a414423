using System.Diagnostics.CodeAnalysis;
using Allixios.Storage;
using Npgsql;
using NpgsqlTypes;

namespace Allixios.Orchestration;

/// <summary>
/// The production <see cref="IJobQueue"/>: the <c>jobs</c> and <c>job_events</c> tables. Workers of any number of
/// processes lease jobs with <c>FOR UPDATE SKIP LOCKED</c>, so they never wait on or take each other's jobs; every
/// change of a leased job is guarded by its lease token. Enqueues <c>NOTIFY</c> the <see cref="Channel"/> channel, which
/// <see cref="WaitForWorkAsync"/> listens on. Times come from the <see cref="TimeProvider"/>, never from the database
/// clock, so the replicas' clocks must agree to well within the lease duration.
/// </summary>
[SuppressMessage("Naming", "CA1711", Justification = "It is a queue; the issue and the docs call it one.")]
public sealed partial class PostgresJobQueue : IJobQueue, IAsyncDisposable, IDisposable
{
    /// <summary>The NOTIFY channel that says a job became available.</summary>
    public const string Channel = "allixios_jobs";

    // The scans that change state in bulk filter on these states; each pair is checked against the state machine once.
    private static readonly string[] DueStates = Checked([JobState.Scheduled, JobState.Retrying], JobState.Available);
    // Written into the SQL as literals, not parameters: only then can the planner prove a partial index's predicate
    // (WHERE state = 'available', WHERE state IN ('scheduled', 'retrying')) and scan the index instead of the table.
    private static readonly string LeasableState = Checked(JobStateMachine.SourcesOf(JobState.Running), JobState.Running).Single();
    private static readonly string DueStateList = string.Join(", ", DueStates.Select(s => $"'{s}'"));
    private static readonly string[] FinishedStates = [.. Enum.GetValues<JobState>().Where(JobStateMachine.IsFinished).Select(JobStates.ToName)];

    private const string Columns = """
        job_id, tenant_id, job_type, payload::text, priority, idempotency_key, state, attempt, max_attempts, run_at, deadline, timeout,
        tags, estimated_cost, resource, created_at, updated_at, finished_at, last_error, progress_percent, progress_message,
        CASE WHEN state = 'running' THEN lease_owner END, lease_expires_at, trace_parent
        """;

    private const string EventColumns = "job_id, tenant_id, at, from_state, to_state, worker, attempt, error, progress_percent, progress_message";

    private const int PromoteBatchSize = 1000;

    // The most available (and, over all tenants, due) jobs GetBacklogAsync counts per tenant.
    private const int BacklogCountCap = 2000;

    private readonly NpgsqlDataSource _dataSource;
    private readonly TimeProvider _time;
    private readonly PostgresCompletionBatcher _completions;
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stopping = new();
    private TaskCompletionSource _workSignal = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _listener;

    /// <summary>A queue over <paramref name="dataSource"/>, whose schema the migrations created.</summary>
    public PostgresJobQueue(NpgsqlDataSource dataSource, TimeProvider time)
    {
        _dataSource = dataSource;
        _time = time;
        _completions = new PostgresCompletionBatcher(dataSource, time, EventColumns);
    }

    /// <inheritdoc />
    public async ValueTask<EnqueuedJob> EnqueueAsync(Job job, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        return (await EnqueueBatchAsync([job], cancellationToken))[0];
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<EnqueuedJob>> EnqueueBatchAsync(IReadOnlyList<Job> jobs, CancellationToken cancellationToken = default)
    {
        var tenantId = JobBatches.Validate(jobs);

        // One round trip and one transaction: the rows go in as arrays (one multi-row INSERT, whatever the batch size), one
        // NOTIFY for the batch. Rows whose idempotency key is taken are skipped by ON CONFLICT, and the second statement
        // reads the jobs those keys name: it runs after the insert with a new snapshot, so it sees a conflicting job another
        // transaction committed meanwhile as well as one an earlier row of this batch inserted.
        // A new job's creation event is its row (initial_state, see migration 0010): no event row is written for it. Only
        // a job that arrives with attempts already counted (not one JobClient makes) has its creation event stored.
        // A batch without idempotency keys is inserted without ON CONFLICT: with it, every row is inserted speculatively
        // and confirmed by a second WAL record, a sixth of a plain row's WAL records and a tenth of its buffer accesses.
        // Tags travel as one flat array and each job's bounds in it (a slice past the end is empty): PostgreSQL has no
        // arrays of arrays of different lengths, and a jsonb array per job cost a parse and a subquery per row.
        var keys = jobs.Where(j => j.IdempotencyKey is not null).Select(j => j.IdempotencyKey!).Distinct(StringComparer.Ordinal).ToArray();
        var tagFirst = new int[jobs.Count];
        var tagLast = new int[jobs.Count];
        var flatTags = new List<string>();
        for (var i = 0; i < jobs.Count; i++)
        {
            tagFirst[i] = flatTags.Count + 1;
            flatTags.AddRange(jobs[i].Tags);
            tagLast[i] = flatTags.Count;
        }

        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var batch = PostgresScope.CreateBatch(connection, tenantId);
        var insert = new NpgsqlBatchCommand($"""
            WITH inserted AS (
                INSERT INTO jobs (job_id, tenant_id, job_type, payload, priority, idempotency_key, state, attempt, max_attempts, run_at, deadline, timeout,
                                  tags, estimated_cost, resource, created_at, updated_at, trace_parent, initial_state)
                SELECT n.job_id, $1, n.job_type, n.payload, n.priority, n.idempotency_key, n.state, n.attempt, n.max_attempts, n.run_at, n.deadline, n.timeout,
                       ($19::text[])[n.tag_first:n.tag_last], n.estimated_cost, n.resource, n.created_at, n.updated_at, n.trace_parent,
                       CASE WHEN n.attempt = 0 THEN n.state END
                FROM unnest($2::uuid[], $3::text[], $4::jsonb[], $5::smallint[], $6::text[], $7::text[], $8::integer[], $9::integer[], $10::timestamptz[],
                            $11::timestamptz[], $12::interval[], $13::integer[], $20::integer[], $14::numeric[], $15::text[], $16::timestamptz[], $17::timestamptz[],
                            $18::text[])
                     WITH ORDINALITY AS n(job_id, job_type, payload, priority, idempotency_key, state, attempt, max_attempts, run_at, deadline, timeout,
                                          tag_first, tag_last, estimated_cost, resource, created_at, updated_at, trace_parent, position)
                ORDER BY n.position
                {(keys.Length > 0 ? "ON CONFLICT (tenant_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING" : string.Empty)}
                RETURNING job_id, tenant_id, state, attempt, created_at
            ), recorded AS (
                INSERT INTO job_events ({EventColumns})
                SELECT job_id, tenant_id, created_at, NULL, state, NULL, attempt, NULL, NULL, NULL FROM inserted WHERE attempt <> 0
            )
            SELECT job_id FROM inserted
            """);
        insert.Parameters.Add(new() { Value = tenantId });
        insert.Parameters.Add(new() { Value = jobs.Select(j => j.Id).ToArray() });
        insert.Parameters.Add(Texts(jobs.Select(j => j.Type)));
        insert.Parameters.Add(new() { Value = jobs.Select(j => j.Payload).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb });
        insert.Parameters.Add(new() { Value = jobs.Select(j => (short)j.Priority).ToArray() });
        insert.Parameters.Add(Texts(jobs.Select(j => j.IdempotencyKey)));
        insert.Parameters.Add(Texts(jobs.Select(j => JobStates.ToName(j.State))));
        insert.Parameters.Add(new() { Value = jobs.Select(j => j.Attempt).ToArray() });
        insert.Parameters.Add(new() { Value = jobs.Select(j => j.MaxAttempts).ToArray() });
        insert.Parameters.Add(Times(jobs.Select(j => (DateTimeOffset?)j.RunAt)));
        insert.Parameters.Add(Times(jobs.Select(j => j.Deadline)));
        insert.Parameters.Add(new() { Value = jobs.Select(j => j.Timeout).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Interval });
        insert.Parameters.Add(new() { Value = tagFirst });
        insert.Parameters.Add(new() { Value = jobs.Select(j => j.EstimatedCost).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Numeric });
        insert.Parameters.Add(Texts(jobs.Select(j => j.Resource)));
        insert.Parameters.Add(Times(jobs.Select(j => (DateTimeOffset?)j.CreatedAt)));
        insert.Parameters.Add(Times(jobs.Select(j => (DateTimeOffset?)j.UpdatedAt)));
        insert.Parameters.Add(Texts(jobs.Select(j => j.TraceParent)));
        insert.Parameters.Add(Texts(flatTags));
        insert.Parameters.Add(new() { Value = tagLast });
        batch.BatchCommands.Add(insert);
        if (keys.Length > 0)
        {
            var existing = new NpgsqlBatchCommand($"SELECT {Columns} FROM jobs WHERE tenant_id = $1 AND idempotency_key = ANY($2)");
            existing.Parameters.Add(new() { Value = tenantId });
            existing.Parameters.Add(new() { Value = keys, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            batch.BatchCommands.Add(existing);
        }

        if (jobs.Any(j => j.State == JobState.Available))
        {
            // Delivered at commit, and only then: a listener never wakes for a job it cannot see yet.
            batch.BatchCommands.Add(new NpgsqlBatchCommand($"SELECT pg_notify('{Channel}', '')"));
        }

        PostgresScope.AddCommit(batch);
        var created = new HashSet<Guid>();
        var byKey = new Dictionary<string, Job>(StringComparer.Ordinal);
        await PostgresScope.PrepareAsync(batch, cancellationToken);
        await using (var reader = await batch.ExecuteReaderAsync(cancellationToken))
        {
            await reader.NextResultAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                created.Add(reader.GetGuid(0));
            }

            if (keys.Length > 0)
            {
                await reader.NextResultAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    var job = ReadJob(reader);
                    byKey[job.IdempotencyKey!] = job;
                }
            }

            // The rest (the NOTIFY and the COMMIT) must have run before the jobs are reported enqueued.
            while (await reader.NextResultAsync(cancellationToken))
            {
            }
        }

        var enqueued = new List<EnqueuedJob>(jobs.Count);
        foreach (var job in jobs)
        {
            enqueued.Add(created.Contains(job.Id)
                ? new EnqueuedJob(job with { CreatedAt = Round(job.CreatedAt), UpdatedAt = Round(job.UpdatedAt), RunAt = Round(job.RunAt), Deadline = job.Deadline is { } d ? Round(d) : null }, Created: true)
                : new EnqueuedJob(byKey[job.IdempotencyKey ?? throw new InvalidOperationException($"Job {job.Id} was not inserted and has no idempotency key.")], Created: false));
        }

        return enqueued;
    }

    /// <inheritdoc />
    public async ValueTask<Job?> GetAsync(string tenantId, Guid jobId, CancellationToken cancellationToken = default)
    {
        await using var scope = await PostgresScope.ForTenantAsync(_dataSource, tenantId, cancellationToken);
        await using var command = scope.CreateCommand($"SELECT {Columns} FROM jobs WHERE job_id = $1 AND tenant_id = $2");
        command.Parameters.Add(new() { Value = jobId });
        command.Parameters.Add(new() { Value = tenantId });
        return (await ReadJobsAsync(command, cancellationToken)).SingleOrDefault();
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<JobEvent>> GetHistoryAsync(string tenantId, Guid jobId, CancellationToken cancellationToken = default)
    {
        // Stored and derived events together (migration 0010: a job's creation and success are read from its row).
        await using var scope = await PostgresScope.ForTenantAsync(_dataSource, tenantId, cancellationToken);
        await using var command = scope.CreateCommand("""
            SELECT job_id, at, from_state, to_state, worker, attempt, error, progress_percent, progress_message
            FROM job_history WHERE job_id = $1 AND tenant_id = $2 ORDER BY part, seq
            """);
        command.Parameters.Add(new() { Value = jobId });
        command.Parameters.Add(new() { Value = tenantId });
        var history = new List<JobEvent>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            history.Add(new JobEvent(
                reader.GetGuid(0),
                reader.GetFieldValue<DateTimeOffset>(1),
                reader.IsDBNull(2) ? null : JobStates.Parse(reader.GetString(2)),
                JobStates.Parse(reader.GetString(3)),
                reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.GetInt32(5),
                reader.IsDBNull(6) ? null : reader.GetString(6),
                reader.IsDBNull(7) ? null : new JobProgress(reader.GetInt16(7), reader.IsDBNull(8) ? null : reader.GetString(8))));
        }

        return history;
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<Job>> ListAsync(JobQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var scope = await PostgresScope.ForTenantAsync(_dataSource, query.TenantId, cancellationToken);
        // Only the filters given are written into the statement (at most eight shapes, each a cached plan of its own), so
        // the planner picks the listing index that fits them (0004_queue_throughput): a catch-all "$n IS NULL OR …" would
        // leave it one generic plan that cannot use any of them.
        var filters = new System.Text.StringBuilder();
        if (query.State is not null)
        {
            filters.Append(" AND state = $2");
        }

        if (query.Type is not null)
        {
            filters.Append(" AND job_type = $3");
        }

        if (query.Tag is not null)
        {
            // Implied by the containment, and what lets the planner use the partial tag index.
            filters.Append(" AND tags @> ARRAY[$4::text] AND tags <> '{}'");
        }

        if (query.Before is not null)
        {
            filters.Append(" AND job_id < $5");
        }

        if (query.Tag is null)
        {
            // The listing index (0004) holds each tenant's jobs newest first with state and type beside them, so walking
            // it answers any state and type filter in order and stops after one page. The row-level-security filter,
            // whose selectivity the planner cannot know, would otherwise make it read all the tenant's jobs and sort
            // them (see DequeueAsync). A tag filter is better served by the tag index and a sort of its few matches.
            await using var noSort = scope.CreateCommand("SET LOCAL enable_sort = off");
            await noSort.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var command = scope.CreateCommand($"""
            SELECT {Columns} FROM jobs
            WHERE tenant_id = $1{filters}
            ORDER BY job_id DESC
            LIMIT $6
            """);
        command.Parameters.Add(new() { Value = query.TenantId });
        command.Parameters.Add(Text(query.State is { } state ? JobStates.ToName(state) : null));
        command.Parameters.Add(Text(query.Type));
        command.Parameters.Add(Text(query.Tag));
        command.Parameters.Add(new() { Value = (object?)query.Before ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid });
        command.Parameters.Add(new() { Value = query.Limit });
        return await ReadJobsAsync(command, cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<JobCount>> CountAsync(string tenantId, CancellationToken cancellationToken = default)
    {
        await using var scope = await PostgresScope.ForTenantAsync(_dataSource, tenantId, cancellationToken);
        await using var command = scope.CreateCommand("SELECT job_type, state, count(*) FROM jobs WHERE tenant_id = $1 GROUP BY job_type, state");
        command.Parameters.Add(new() { Value = tenantId });
        var counts = new List<JobCount>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                counts.Add(new JobCount(reader.GetString(0), JobStates.Parse(reader.GetString(1)), reader.GetInt64(2)));
            }
        }

        // Ordered here, not in SQL: the database's collation need not order type names the ordinal way.
        return counts.OrderBy(c => c.Type, StringComparer.Ordinal).ThenBy(c => c.State).ToList();
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<JobLease>> DequeueAsync(DequeueRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        DequeueRequest.Validate(request);
        var now = _time.GetUtcNow();

        // One round trip: the statements below run in one transaction, sent together.
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var batch = PostgresScope.CreateBatch(connection, tenantId: null);

        // Promotion and claim are two statements: a data-modifying CTE's changes are invisible to the rest of its own
        // statement, so jobs made available here could not be leased by the same statement.
        var promote = new NpgsqlBatchCommand($"""
            WITH due AS (
                SELECT job_id, state FROM jobs WHERE state IN ({DueStateList}) AND run_at <= $1
                ORDER BY run_at LIMIT {PromoteBatchSize} FOR UPDATE SKIP LOCKED
            ), promoted AS (
                UPDATE jobs j SET state = 'available', updated_at = $1 FROM due WHERE j.job_id = due.job_id
                RETURNING j.job_id, j.tenant_id, j.attempt, due.state AS from_state
            )
            INSERT INTO job_events ({EventColumns})
            SELECT job_id, tenant_id, $1, from_state, 'available', NULL, attempt, NULL, NULL, NULL FROM promoted
            """);
        promote.Parameters.Add(Time(now));
        batch.BatchCommands.Add(promote);

        if (request.TenantConcurrency is not null)
        {
            // Replicas capping the same tenant take turns here until commit, so each one's count below already sees
            // the jobs the previous one leased: the cap holds across processes, not just within one.
            var turn = new NpgsqlBatchCommand("SELECT pg_advisory_xact_lock(hashtextextended('allixios.jobs.tenant:' || $1, 0))");
            turn.Parameters.Add(new() { Value = request.Tenants!.First() });
            batch.BatchCommands.Add(turn);
        }

        // Row-level security adds a filter on current_setting() whose selectivity the planner cannot know; it then guesses
        // that few rows are visible and prefers reading every available job and sorting them over walking the dispatch
        // index (30 ms instead of 0.5 ms at 20,000 jobs). The claim must always walk the index, so sorting is off for
        // this transaction only.
        batch.BatchCommands.Add(new NpgsqlBatchCommand("SET LOCAL enable_sort = off"));

        // Only the filters given are written into the statement (each shape a prepared statement of its own), as in
        // ListAsync: a catch-all "$6 IS NULL OR tenant_id = ANY($6)" left the planner one generic plan, which walked the
        // dispatch index of all tenants and skipped the others' jobs, however many stood before this tenant's first. One
        // tenant (the fair scheduler's claim) walks that tenant's dispatch index in order and reads only its own jobs.
        var filters = request.Types is null ? string.Empty : " AND job_type = ANY($3)";
        filters += request.Tenants switch
        {
            null => string.Empty,
            { Count: 1 } => " AND tenant_id = ($6::text[])[1]",
            _ => " AND tenant_id = ANY($6)",
        };
        // The chosen rows are updated by their physical address (ctid), not looked up again in the primary key: each is
        // locked by this transaction from the moment it is chosen, so the version it chose is the one it updates. (A row
        // another transaction changed after this statement began, still available, is locked in its new version, which
        // this statement cannot see: it is left available for the next claim, never claimed twice.)
        var claim = new NpgsqlBatchCommand($"""
            WITH chosen AS (
                SELECT ctid, state FROM jobs
                WHERE state = '{LeasableState}'{filters}
                ORDER BY dispatch_at, created_at
                LIMIT CASE WHEN $7::integer IS NULL THEN $2
                           ELSE greatest(0, least($2, $7 - (SELECT count(*) FROM jobs WHERE state = 'running' AND tenant_id = ANY($6)))) END
                FOR UPDATE SKIP LOCKED
            ), claimed AS (
                UPDATE jobs j SET state = 'running', attempt = j.attempt + 1, lease_token = gen_random_uuid(), lease_owner = $4,
                                  lease_expires_at = $5, updated_at = $1, progress_percent = NULL, progress_message = NULL,
                                  leased_at = CASE WHEN j.initial_state IS NOT NULL THEN $1 END
                FROM chosen WHERE j.ctid = chosen.ctid
                RETURNING j.*, chosen.state AS from_state
            ), recorded AS (
                -- The lease event of a job with its initial state on its row is read from the row (leased_at, migration
                -- 0020) until another event follows it; only the others' is stored.
                INSERT INTO job_events ({EventColumns})
                SELECT job_id, tenant_id, $1, from_state, 'running', $4, attempt, NULL, NULL, NULL FROM claimed WHERE initial_state IS NULL
            )
            SELECT {Columns}, lease_token FROM claimed
            """);
        claim.Parameters.Add(Time(now));
        claim.Parameters.Add(new() { Value = request.MaxJobs });
        claim.Parameters.Add(new() { Value = (object?)request.Types?.ToArray() ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        claim.Parameters.Add(new() { Value = request.WorkerId });
        claim.Parameters.Add(Time(now + request.LeaseDuration));
        claim.Parameters.Add(new() { Value = (object?)request.Tenants?.ToArray() ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        claim.Parameters.Add(new() { Value = (object?)request.TenantConcurrency ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Integer });
        batch.BatchCommands.Add(claim);
        PostgresScope.AddCommit(batch);

        var claimed = new List<(Job Job, Guid Token)>();
        await PostgresScope.PrepareAsync(batch, cancellationToken);
        await using (var reader = await batch.ExecuteReaderAsync(cancellationToken))
        {
            // Past the scope's settings (and the advisory lock's row) to the claim's rows.
            await reader.NextResultAsync(cancellationToken);
            if (request.TenantConcurrency is not null)
            {
                await reader.NextResultAsync(cancellationToken);
            }

            while (await reader.ReadAsync(cancellationToken))
            {
                claimed.Add((ReadJob(reader), reader.GetGuid(24)));
            }

            // The leases count only once the COMMIT after the claim has run.
            while (await reader.NextResultAsync(cancellationToken))
            {
            }
        }

        return claimed
            .OrderBy(c => JobAging.DispatchAt(c.Job)).ThenBy(c => c.Job.CreatedAt)
            .Select(c => new JobLease(c.Job, c.Token, request.WorkerId))
            .ToList();
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<TenantBacklog>> GetBacklogAsync(IReadOnlyCollection<string>? types, CancellationToken cancellationToken = default)
    {
        var now = _time.GetUtcNow();
        // One round trip, like a dequeue, and bounded by the number of tenants rather than by the backlog: the fair
        // scheduler reads this every few hundred milliseconds and a backlog can be millions of jobs. The tenants with
        // available jobs are found by skipping through the per-tenant dispatch index (one probe per tenant), and each
        // one's available jobs are counted up to BacklogCountCap. Both walk the index backwards, from each tenant's last
        // job in dispatch order: the front is where jobs are leased from, so that is where the index entries of leased
        // jobs lie until vacuum removes them, and a forward walk would step over all of them (and read their rows) on
        // every read of a busy queue. Due scheduled and retrying jobs are counted among the
        // BacklogCountCap due first. Running jobs are as few as the workers' slots. Finished jobs (kept for days) are
        // never read. The scheduler only needs to know who has work and roughly how much: it reads again as a tenant's
        // count runs down, and the dequeue decides what is leased.
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var batch = PostgresScope.CreateBatch(connection, tenantId: null);
        // As in the dequeue, the row-level-security filter makes the planner guess wrongly how many rows it keeps, and it
        // would rather read every available job and sort them than walk the index (532 pages instead of 62 at 20,000
        // jobs): sorting is off for this transaction only.
        batch.BatchCommands.Add(new NpgsqlBatchCommand("SET LOCAL enable_sort = off"));
        var count = new NpgsqlBatchCommand($"""
            WITH RECURSIVE tenants AS (
                (SELECT tenant_id FROM jobs WHERE state = '{LeasableState}' ORDER BY tenant_id DESC LIMIT 1)
                UNION ALL
                SELECT (SELECT j.tenant_id FROM jobs j WHERE j.state = '{LeasableState}' AND j.tenant_id < t.tenant_id ORDER BY j.tenant_id DESC LIMIT 1)
                FROM tenants t WHERE t.tenant_id IS NOT NULL
            )
            SELECT tenant_id, sum(available)::bigint, sum(running)::bigint FROM (
                SELECT t.tenant_id,
                       (SELECT count(*) FROM (SELECT FROM jobs j WHERE j.state = '{LeasableState}' AND j.tenant_id = t.tenant_id
                                                AND ($2::text[] IS NULL OR j.job_type = ANY($2))
                                              ORDER BY j.dispatch_at DESC, j.created_at DESC LIMIT {BacklogCountCap}) capped) AS available,
                       0 AS running
                FROM tenants t WHERE t.tenant_id IS NOT NULL
                UNION ALL
                SELECT tenant_id, count(*), 0 FROM (
                    SELECT tenant_id FROM jobs WHERE state IN ({DueStateList}) AND run_at <= $1 AND ($2::text[] IS NULL OR job_type = ANY($2))
                    ORDER BY run_at LIMIT {BacklogCountCap}) due
                GROUP BY tenant_id
                UNION ALL
                SELECT tenant_id, 0, count(*) FROM jobs WHERE state = 'running' GROUP BY tenant_id
            ) backlog
            GROUP BY tenant_id
            HAVING sum(available) > 0 OR sum(running) > 0
            """);
        count.Parameters.Add(Time(now));
        count.Parameters.Add(new() { Value = (object?)types?.ToArray() ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        batch.BatchCommands.Add(count);
        PostgresScope.AddCommit(batch);
        var backlog = new List<TenantBacklog>();
        await PostgresScope.PrepareAsync(batch, cancellationToken);
        await using (var reader = await batch.ExecuteReaderAsync(cancellationToken))
        {
            // Past the scope's settings to the counts.
            await reader.NextResultAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                backlog.Add(new TenantBacklog(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2)));
            }

            while (await reader.NextResultAsync(cancellationToken))
            {
            }
        }

        return backlog;
    }

    /// <inheritdoc />
    public async ValueTask<bool> HeartbeatAsync(JobLease lease, TimeSpan leaseDuration, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        var now = _time.GetUtcNow();
        await using var scope = await PostgresScope.ForTenantAsync(_dataSource, lease.Job.TenantId, cancellationToken);
        await using var command = scope.CreateCommand("UPDATE jobs SET lease_expires_at = $3, updated_at = $4 WHERE job_id = $1 AND lease_token = $2 AND state = 'running'");
        command.Parameters.Add(new() { Value = lease.Job.Id });
        command.Parameters.Add(new() { Value = lease.Token });
        command.Parameters.Add(Time(now + leaseDuration));
        command.Parameters.Add(Time(now));
        var held = await command.ExecuteNonQueryAsync(cancellationToken) == 1;
        await scope.CommitAsync(cancellationToken);
        return held;
    }

    /// <inheritdoc />
    public async ValueTask<bool> ReportProgressAsync(JobLease lease, JobProgress progress, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        ArgumentNullException.ThrowIfNull(progress);
        var now = _time.GetUtcNow();
        await using var scope = await PostgresScope.ForTenantAsync(_dataSource, lease.Job.TenantId, cancellationToken);
        await using var command = scope.CreateCommand($"""
            WITH {Held("$1", "$2")}, reported AS (
                UPDATE jobs j SET progress_percent = $3, progress_message = $4, updated_at = $5, leased_at = NULL
                FROM held h WHERE j.job_id = h.job_id
                RETURNING j.job_id, j.tenant_id, j.attempt, h.leased_at, h.lease_worker, h.leased_attempt
            )
            {StoreAfterLeaseEvent("reported", "$5, 'running', 'running', $6, attempt, NULL, $3, $4")}
            """);
        command.Parameters.Add(new() { Value = lease.Job.Id });
        command.Parameters.Add(new() { Value = lease.Token });
        command.Parameters.Add(new() { Value = (short)progress.Percent });
        command.Parameters.Add(Text(progress.Message));
        command.Parameters.Add(Time(now));
        command.Parameters.Add(new() { Value = lease.WorkerId });
        var held = await command.ExecuteNonQueryAsync(cancellationToken) > 0;
        await scope.CommitAsync(cancellationToken);
        return held;
    }

    /// <inheritdoc />
    public async ValueTask<bool> CompleteAsync(JobLease lease, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        cancellationToken.ThrowIfCancellationRequested();
        // Once handed over, the completion is written with the others of its group whatever the token says; waiting
        // for the outcome is what the token can stop.
        return await _completions.CompleteAsync(lease).WaitAsync(cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<JobState?> FailAsync(JobLease lease, string failure, DateTimeOffset? retryAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        var to = retryAt is not null && lease.Job.Attempt < lease.Job.MaxAttempts ? JobState.Retrying : JobState.DeadLettered;
        return FinishLeasedAsync(lease, to, failure, retryAt, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<bool> ReleaseAsync(JobLease lease, string reason, CancellationToken cancellationToken = default) =>
        DeferAsync(lease, _time.GetUtcNow(), reason, cancellationToken);

    /// <inheritdoc />
    public async ValueTask<bool> DeferAsync(JobLease lease, DateTimeOffset runAt, string reason, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        JobStateMachine.EnsureAllowed(lease.Job.Id, JobState.Running, JobState.Retrying);
        var now = _time.GetUtcNow();
        await using var scope = await PostgresScope.ForTenantAsync(_dataSource, lease.Job.TenantId, cancellationToken);
        await using var command = scope.CreateCommand($"""
            WITH {Held("$1", "$2")}, released AS (
                UPDATE jobs j SET state = 'retrying', attempt = j.attempt - 1, run_at = $6, updated_at = $3, last_error = $4,
                                  lease_token = NULL, lease_owner = NULL, lease_expires_at = NULL, leased_at = NULL
                FROM held h WHERE j.job_id = h.job_id
                RETURNING j.job_id, j.tenant_id, j.attempt, h.leased_at, h.lease_worker, h.leased_attempt
            )
            {StoreAfterLeaseEvent("released", "$3, 'running', 'retrying', $5, attempt, $4, NULL, NULL")}
            """);
        command.Parameters.Add(new() { Value = lease.Job.Id });
        command.Parameters.Add(new() { Value = lease.Token });
        command.Parameters.Add(Time(now));
        command.Parameters.Add(new() { Value = reason });
        command.Parameters.Add(new() { Value = lease.WorkerId });
        command.Parameters.Add(Time(runAt > now ? runAt : now));
        var released = await command.ExecuteNonQueryAsync(cancellationToken) > 0;
        await scope.CommitAsync(cancellationToken);
        return released;
    }

    /// <inheritdoc />
    public async ValueTask<Job> CancelAsync(string tenantId, Guid jobId, string? reason, CancellationToken cancellationToken = default)
    {
        var now = _time.GetUtcNow();
        await using var scope = await PostgresScope.ForTenantAsync(_dataSource, tenantId, cancellationToken);
        var state = await LockStateAsync(scope, tenantId, jobId, cancellationToken);
        JobStateMachine.EnsureAllowed(jobId, state, JobState.Cancelled);
        if (state == JobState.Running)
        {
            await StoreLeaseEventAsync(scope, jobId, cancellationToken);
        }

        var job = await ChangeAsync(
            scope,
            tenantId,
            jobId,
            "state = 'cancelled', finished_at = $3, last_error = coalesce($4, last_error), lease_token = NULL, lease_owner = NULL, lease_expires_at = NULL, leased_at = NULL, updated_at = $3",
            now,
            reason,
            cancellationToken);
        await AddEventAsync(scope, new JobEvent(jobId, now, state, JobState.Cancelled, Worker: null, job.Attempt, reason, Progress: null), tenantId, cancellationToken);
        await SettleDependentsAsync(scope, [jobId], JobState.Cancelled, now, cancellationToken);
        await scope.CommitAsync(cancellationToken);
        return job;
    }

    /// <inheritdoc />
    public async ValueTask<Job> RedriveAsync(string tenantId, Guid jobId, CancellationToken cancellationToken = default)
    {
        var now = _time.GetUtcNow();
        await using var scope = await PostgresScope.ForTenantAsync(_dataSource, tenantId, cancellationToken);
        var state = await LockStateAsync(scope, tenantId, jobId, cancellationToken);
        JobStateMachine.EnsureRedrivable(jobId, state);
        var job = await ChangeAsync(scope, tenantId, jobId, "state = 'available', attempt = 0, run_at = $3, finished_at = NULL, updated_at = $3, last_error = coalesce($4, last_error)", now, null, cancellationToken);
        await AddEventAsync(scope, new JobEvent(jobId, now, state, JobState.Available, Worker: null, job.Attempt, Error: null, Progress: null), tenantId, cancellationToken);
        await NotifyAsync(scope, cancellationToken);
        await scope.CommitAsync(cancellationToken);
        return job;
    }

    /// <inheritdoc />
    public async ValueTask<int> RescueExpiredLeasesAsync(int maxJobs, CancellationToken cancellationToken = default)
    {
        JobStateMachine.EnsureAllowed(Guid.Empty, JobState.Running, JobState.Retrying);
        JobStateMachine.EnsureAllowed(Guid.Empty, JobState.Running, JobState.DeadLettered);
        var now = _time.GetUtcNow();
        await using var scope = await PostgresScope.ForSystemAsync(_dataSource, cancellationToken);
        await using var command = scope.CreateCommand($"""
            WITH expired AS (
                SELECT job_id, lease_owner, leased_at, lease_owner AS lease_worker, attempt AS leased_attempt FROM jobs
                WHERE state = 'running' AND lease_expires_at <= $1
                ORDER BY lease_expires_at LIMIT $2 FOR UPDATE SKIP LOCKED
            ), rescued AS (
                UPDATE jobs j SET
                    state = CASE WHEN j.attempt < j.max_attempts THEN 'retrying' ELSE 'dead_lettered' END,
                    run_at = CASE WHEN j.attempt < j.max_attempts THEN $1 ELSE j.run_at END,
                    finished_at = CASE WHEN j.attempt < j.max_attempts THEN NULL ELSE $1 END,
                    last_error = format('The lease of worker ''%s'' expired without a heartbeat: the worker stopped or hung.', e.lease_owner),
                    lease_token = NULL, lease_owner = NULL, lease_expires_at = NULL, leased_at = NULL, updated_at = $1
                FROM expired e WHERE j.job_id = e.job_id
                RETURNING j.job_id, j.tenant_id, j.state, j.attempt, j.last_error, e.lease_owner, e.leased_at, e.lease_worker, e.leased_attempt
            ), recorded AS (
                {StoreAfterLeaseEvent("rescued", "$1, 'running', state, lease_owner, attempt, last_error, NULL, NULL")}
            )
            SELECT job_id, state = 'dead_lettered' FROM rescued
            """);
        command.Parameters.Add(Time(now));
        command.Parameters.Add(new() { Value = maxJobs });
        var rescued = 0;
        var deadLettered = new List<Guid>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                rescued++;
                if (reader.GetBoolean(1))
                {
                    deadLettered.Add(reader.GetGuid(0));
                }
            }
        }

        if (deadLettered.Count > 0)
        {
            await SettleDependentsAsync(scope, deadLettered, JobState.DeadLettered, now, cancellationToken);
        }

        await scope.CommitAsync(cancellationToken);
        return rescued;
    }

    /// <inheritdoc />
    public async ValueTask<int> DeleteFinishedAsync(DateTimeOffset finishedBefore, int maxJobs, CancellationToken cancellationToken = default)
    {
        await using var scope = await PostgresScope.ForSystemAsync(_dataSource, cancellationToken);
        await using var command = scope.CreateCommand("""
            WITH old AS (
                SELECT job_id FROM jobs WHERE state = ANY($3) AND finished_at < $1
                ORDER BY finished_at LIMIT $2 FOR UPDATE SKIP LOCKED
            ), deleted AS (
                DELETE FROM jobs j USING old WHERE j.job_id = old.job_id RETURNING j.job_id
            ), history AS (
                -- Events have no foreign key to cascade from (migration 0010): they go with their job here, in one statement.
                DELETE FROM job_events e USING deleted WHERE e.job_id = deleted.job_id
            )
            SELECT count(*) FROM deleted
            """);
        command.Parameters.Add(Time(finishedBefore));
        command.Parameters.Add(new() { Value = maxJobs });
        command.Parameters.Add(new() { Value = FinishedStates });
        var deleted = (int)(long)(await command.ExecuteScalarAsync(cancellationToken))!;
        await scope.CommitAsync(cancellationToken);
        return deleted;
    }

    /// <inheritdoc />
    public async Task WaitForWorkAsync(TimeSpan maxWait, CancellationToken cancellationToken = default)
    {
        Task signal;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_stopping.IsCancellationRequested, this);
            _listener ??= Task.Run(ListenAsync, CancellationToken.None);
            signal = _workSignal.Task;
        }

        using var timeout = new CancellationTokenSource(maxWait, _time);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        await signal.WaitAsync(either.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        cancellationToken.ThrowIfCancellationRequested();
    }

    /// <summary>Stops listening for wake-ups and waits for the listening connection to close.</summary>
    public async ValueTask DisposeAsync()
    {
        if (StopListening() is { } listener)
        {
            await listener.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>Stops listening for wake-ups; the listening connection closes in the background.</summary>
    public void Dispose() => StopListening();

    private Task? StopListening()
    {
        lock (_gate)
        {
            if (_stopping.IsCancellationRequested)
            {
                return null;
            }

            _stopping.Cancel();
            return _listener;
        }
    }

    // One connection per queue listens for the whole process; a lost connection is reopened, and the polling fallback
    // covers any wake-up missed meanwhile.
    private async Task ListenAsync()
    {
        var stopping = _stopping.Token;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await using var connection = await _dataSource.OpenConnectionAsync(stopping);
                connection.Notification += (_, _) => Signal();
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stopping);
                }

                // Jobs may have arrived while the connection was down.
                Signal();
                while (true)
                {
                    await connection.WaitAsync(stopping);
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), _time, stopping).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private void Signal()
    {
        TaskCompletionSource signal;
        lock (_gate)
        {
            signal = _workSignal;
            _workSignal = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        signal.TrySetResult();
    }

    private async ValueTask<JobState?> FinishLeasedAsync(JobLease lease, JobState to, string? failure, DateTimeOffset? retryAt, CancellationToken cancellationToken)
    {
        // The lease guard below only matches a running job, so Running → to is the one change this can make.
        JobStateMachine.EnsureAllowed(lease.Job.Id, JobState.Running, to);
        var now = _time.GetUtcNow();
        var finished = JobStateMachine.IsFinished(to);
        await using var scope = await PostgresScope.ForTenantAsync(_dataSource, lease.Job.TenantId, cancellationToken);
        await using var command = scope.CreateCommand($"""
            WITH {Held("$1", "$2")}, finished AS (
                UPDATE jobs j SET state = $3, updated_at = $4, finished_at = $5, run_at = coalesce($6, j.run_at), last_error = coalesce($7, j.last_error),
                                  lease_token = NULL, lease_owner = NULL, lease_expires_at = NULL, leased_at = NULL
                FROM held h WHERE j.job_id = h.job_id
                RETURNING j.job_id, j.tenant_id, j.attempt, h.leased_at, h.lease_worker, h.leased_attempt
            )
            {StoreAfterLeaseEvent("finished", "$4::timestamptz, 'running', $3::text, $8::text, attempt, $7::text, NULL::smallint, NULL")}
            """);
        command.Parameters.Add(new() { Value = lease.Job.Id });
        command.Parameters.Add(new() { Value = lease.Token });
        command.Parameters.Add(new() { Value = JobStates.ToName(to) });
        command.Parameters.Add(Time(now));
        command.Parameters.Add(Time(finished ? now : null));
        command.Parameters.Add(Time(to == JobState.Retrying ? retryAt : null));
        command.Parameters.Add(Text(failure));
        command.Parameters.Add(new() { Value = lease.WorkerId });
        var changed = await command.ExecuteNonQueryAsync(cancellationToken) > 0;
        if (changed && finished)
        {
            await SettleDependentsAsync(scope, [lease.Job.Id], to, now, cancellationToken);
        }

        await scope.CommitAsync(cancellationToken);
        return changed ? to : null;
    }

    // The running job a lease token holds, locked, with what its lease event needs (migration 0020): the statement that
    // changes it reads its lease event's fields as they were before the change.
    private static string Held(string jobId, string token) => $"""
        held AS (
            SELECT job_id, leased_at, lease_owner AS lease_worker, attempt AS leased_attempt FROM jobs
            WHERE job_id = {jobId} AND lease_token = {token} AND state = 'running' FOR UPDATE
        )
        """;

    // Inserts an event per row of source (its fields after job_id and tenant_id given by fields), each preceded by the lease
    // event its row still derives (leased_at is set: migration 0020), which must be stored before any later event of the
    // lease. Sorted, so each job's lease event gets the smaller id. A statement ending in it reports one or two rows per
    // changed job, so its callers test for any.
    private static string StoreAfterLeaseEvent(string source, string fields) => $"""
        INSERT INTO job_events ({EventColumns})
        SELECT job_id, tenant_id, at, from_state, to_state, worker, attempt, error, progress_percent, progress_message FROM (
            SELECT job_id, tenant_id, 0 AS ord, leased_at AS at, '{LeasableState}'::text AS from_state, 'running'::text AS to_state, lease_worker AS worker,
                   leased_attempt AS attempt, NULL::text AS error, NULL::smallint AS progress_percent, NULL::text AS progress_message
            FROM {source} WHERE leased_at IS NOT NULL
            UNION ALL
            SELECT job_id, tenant_id, 1, {fields} FROM {source}
        ) e ORDER BY job_id, ord
        """;

    // Stores the lease event a running job's row still derives (migration 0020), before a change that records another
    // event and clears leased_at. The row is locked already.
    private static async Task StoreLeaseEventAsync(PostgresScope scope, Guid jobId, CancellationToken cancellationToken)
    {
        await using var command = scope.CreateCommand($"""
            INSERT INTO job_events ({EventColumns})
            SELECT job_id, tenant_id, leased_at, '{LeasableState}', 'running', lease_owner, attempt, NULL, NULL, NULL FROM jobs
            WHERE job_id = $1 AND leased_at IS NOT NULL
            """);
        command.Parameters.Add(new() { Value = jobId });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<JobState> LockStateAsync(PostgresScope scope, string tenantId, Guid jobId, CancellationToken cancellationToken)
    {
        await using var command = scope.CreateCommand("SELECT state FROM jobs WHERE job_id = $1 AND tenant_id = $2 FOR UPDATE");
        command.Parameters.Add(new() { Value = jobId });
        command.Parameters.Add(new() { Value = tenantId });
        var state = await command.ExecuteScalarAsync(cancellationToken) as string ?? throw JobErrors.NotFound(tenantId, jobId);
        return JobStates.Parse(state);
    }

    private static async Task<Job> ChangeAsync(PostgresScope scope, string tenantId, Guid jobId, string set, DateTimeOffset now, string? text, CancellationToken cancellationToken)
    {
        await using var command = scope.CreateCommand($"UPDATE jobs SET {set} WHERE job_id = $1 AND tenant_id = $2 RETURNING {Columns}");
        command.Parameters.Add(new() { Value = jobId });
        command.Parameters.Add(new() { Value = tenantId });
        command.Parameters.Add(Time(now));
        command.Parameters.Add(Text(text));
        return (await ReadJobsAsync(command, cancellationToken)).Single();
    }

    private static async Task AddEventAsync(PostgresScope scope, JobEvent e, string tenantId, CancellationToken cancellationToken)
    {
        await using var command = scope.CreateCommand($"INSERT INTO job_events ({EventColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)");
        command.Parameters.Add(new() { Value = e.JobId });
        command.Parameters.Add(new() { Value = tenantId });
        command.Parameters.Add(Time(e.At));
        command.Parameters.Add(Text(e.From is { } from ? JobStates.ToName(from) : null));
        command.Parameters.Add(new() { Value = JobStates.ToName(e.To) });
        command.Parameters.Add(Text(e.Worker));
        command.Parameters.Add(new() { Value = e.Attempt });
        command.Parameters.Add(Text(e.Error));
        command.Parameters.Add(new() { Value = e.Progress is { } p ? (short)p.Percent : DBNull.Value, NpgsqlDbType = NpgsqlDbType.Smallint });
        command.Parameters.Add(Text(e.Progress?.Message));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static Task NotifyAsync(PostgresScope scope, CancellationToken cancellationToken) => NotifyAsync(scope.CreateCommand, cancellationToken);

    private static async Task NotifyAsync(Func<string, NpgsqlCommand> createCommand, CancellationToken cancellationToken)
    {
        // Delivered at commit, and only then: a listener never wakes for a job it cannot see yet.
        await using var command = createCommand($"SELECT pg_notify('{Channel}', '')");
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<List<Job>> ReadJobsAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var jobs = new List<Job>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            jobs.Add(ReadJob(reader));
        }

        return jobs;
    }

    private static Job ReadJob(NpgsqlDataReader reader) => new(
        reader.GetGuid(0),
        reader.GetString(1),
        reader.GetString(2),
        reader.GetString(3),
        reader.GetInt16(4),
        reader.IsDBNull(5) ? null : reader.GetString(5),
        JobStates.Parse(reader.GetString(6)),
        reader.GetInt32(7),
        reader.GetInt32(8),
        reader.GetFieldValue<DateTimeOffset>(9),
        reader.IsDBNull(10) ? null : reader.GetFieldValue<DateTimeOffset>(10),
        reader.GetFieldValue<TimeSpan>(11),
        reader.GetFieldValue<string[]>(12),
        reader.IsDBNull(13) ? null : reader.GetDecimal(13),
        reader.IsDBNull(14) ? null : reader.GetString(14),
        reader.GetFieldValue<DateTimeOffset>(15),
        reader.GetFieldValue<DateTimeOffset>(16),
        reader.IsDBNull(17) ? null : reader.GetFieldValue<DateTimeOffset>(17),
        reader.IsDBNull(18) ? null : reader.GetString(18),
        reader.IsDBNull(19) ? null : new JobProgress(reader.GetInt16(19), reader.IsDBNull(20) ? null : reader.GetString(20)),
        reader.IsDBNull(21) ? null : reader.GetString(21),
        reader.IsDBNull(22) ? null : reader.GetFieldValue<DateTimeOffset>(22),
        reader.IsDBNull(23) ? null : reader.GetString(23));

    private static string[] Checked(IReadOnlyList<JobState> sources, JobState to)
    {
        foreach (var from in sources)
        {
            JobStateMachine.EnsureAllowed(Guid.Empty, from, to);
        }

        return [.. sources.Select(JobStates.ToName)];
    }

    // PostgreSQL keeps microseconds; what a caller gets back must equal what a later read returns.
    private static DateTimeOffset Round(DateTimeOffset value) => new(value.UtcTicks - (value.UtcTicks % 10), TimeSpan.Zero);

    private static NpgsqlParameter Time(DateTimeOffset? value) => new() { Value = value is { } v ? v.ToUniversalTime() : DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz };

    private static NpgsqlParameter Times(IEnumerable<DateTimeOffset?> values) =>
        new() { Value = values.Select(v => v?.ToUniversalTime()).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz };

    private static NpgsqlParameter Texts(IEnumerable<string?> values) => new() { Value = values.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text };

    private static NpgsqlParameter Text(string? value) => new() { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text };
}

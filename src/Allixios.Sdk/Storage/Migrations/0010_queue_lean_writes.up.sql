-- Queue throughput, part 2: fewer rows and index entries written per job.
--
-- A job's life on the hot path was three rows in jobs (insert, lease, completion; none can be a HOT update, as state is
-- in the partial indexes' predicates) plus three rows in job_events, each checked against jobs by a foreign key. Every
-- non-HOT update adds an entry to every index whose predicate the new row matches, so each index and each event row
-- costs the queue on every transition.
--
-- - The creation event and the success event are read from the job row instead of being written beside it. A job
--   enqueued by PostgresJobQueue.EnqueueBatchAsync (attempt 0) keeps its initial state in initial_state; its creation
--   event is (created_at, NULL -> initial_state, attempt 0), and once it succeeded its success event is (finished_at,
--   running -> succeeded, its attempt, the worker of its last 'running' event, the worker that held the lease). Both are
--   always the first and the last event of the job (succeeded is final), so job_history orders them around the stored
--   events. Rows with initial_state NULL (jobs from before this migration, workflow steps) keep all their events as rows.
--   The lease event stays a row: it is the one a running job's history needs, and the one rescues and retries repeat.
-- - job_events loses its foreign key (a trigger query per event row); PostgresJobQueue.DeleteFinishedAsync deletes a
--   job's events with the job, in one statement. Its primary key becomes (job_id, event_id), the order the history is
--   read in, replacing the separate (job_id, event_id) index: one index per event row instead of two.
-- - The idempotency key's unique index covers only jobs that have a key (most have none; NULLs never conflicted).
-- - The rescuer's lease index and the per-tenant running index become one, (tenant_id, lease_expires_at) for running
--   jobs: there are only as many running jobs as workers' slots, so the rescuer scanning it all is cheap.

ALTER TABLE jobs ADD COLUMN initial_state text
    CHECK (initial_state IS NULL OR initial_state IN ('scheduled', 'available', 'waiting'));

ALTER TABLE jobs DROP CONSTRAINT jobs_idempotency_key;
CREATE UNIQUE INDEX jobs_idempotency_key ON jobs (tenant_id, idempotency_key) WHERE idempotency_key IS NOT NULL;

DROP INDEX jobs_lease_idx;
DROP INDEX jobs_tenant_running_idx;
CREATE INDEX jobs_running_idx ON jobs (tenant_id, lease_expires_at) WHERE state = 'running';

ALTER TABLE job_events DROP CONSTRAINT job_events_job_id_fkey;
ALTER TABLE job_events DROP CONSTRAINT job_events_pkey;
DROP INDEX job_events_job_idx;
ALTER TABLE job_events ADD CONSTRAINT job_events_pkey PRIMARY KEY (job_id, event_id);

-- A job's whole history, stored and derived, in order (part, seq). security_invoker: the row-level security of jobs
-- and job_events applies to whoever reads it.
CREATE VIEW job_history WITH (security_invoker = true) AS
    SELECT j.job_id, j.tenant_id, 0 AS part, 0::bigint AS seq, j.created_at AS at, NULL::text AS from_state, j.initial_state AS to_state,
           NULL::text AS worker, 0 AS attempt, NULL::text AS error, NULL::smallint AS progress_percent, NULL::text AS progress_message
    FROM jobs j WHERE j.initial_state IS NOT NULL
    UNION ALL
    SELECT e.job_id, e.tenant_id, 1, e.event_id, e.at, e.from_state, e.to_state, e.worker, e.attempt, e.error, e.progress_percent, e.progress_message
    FROM job_events e
    UNION ALL
    SELECT j.job_id, j.tenant_id, 2, 0, j.finished_at, 'running', 'succeeded',
           (SELECT e.worker FROM job_events e WHERE e.job_id = j.job_id AND e.to_state = 'running' ORDER BY e.event_id DESC LIMIT 1),
           j.attempt, NULL, NULL, NULL
    FROM jobs j WHERE j.initial_state IS NOT NULL AND j.state = 'succeeded';

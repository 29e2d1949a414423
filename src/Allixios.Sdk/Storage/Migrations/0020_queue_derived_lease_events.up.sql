-- Queue throughput, part 3: a claim writes no event row.
--
-- After 0010 the lease event ('available' -> 'running') was the one event row left on the hot path: a third of a
-- claim's WAL, an index entry, and an insert per leased job. Like the creation and success events, it is now read from
-- the job row while it is the job's latest event:
-- - leased_at holds the time of the current lease when its event is not stored. The claim sets it (for jobs with
--   initial_state, whose other events are derived too; the others still store their lease event) and the event is
--   (leased_at, 'available' -> 'running', lease_owner, attempt).
-- - Anything that records another event during that lease (progress, failure, release, rescue, cancellation) stores the
--   lease event first, in the same statement or transaction, and clears leased_at: the derived lease event is always
--   after every stored event of its job, so job_history orders it after them (part 2) and before the success (part 3).
-- - A success keeps lease_owner (and leased_at): the success event names the worker that held the lease. The queue
--   reads lease_owner only while the job runs, so callers still see no owner on a finished job.

ALTER TABLE jobs ADD COLUMN leased_at timestamptz;

CREATE OR REPLACE VIEW job_history WITH (security_invoker = true) AS
    SELECT j.job_id, j.tenant_id, 0 AS part, 0::bigint AS seq, j.created_at AS at, NULL::text AS from_state, j.initial_state AS to_state,
           NULL::text AS worker, 0 AS attempt, NULL::text AS error, NULL::smallint AS progress_percent, NULL::text AS progress_message
    FROM jobs j WHERE j.initial_state IS NOT NULL
    UNION ALL
    SELECT e.job_id, e.tenant_id, 1, e.event_id, e.at, e.from_state, e.to_state, e.worker, e.attempt, e.error, e.progress_percent, e.progress_message
    FROM job_events e
    UNION ALL
    SELECT j.job_id, j.tenant_id, 2, 0, j.leased_at, 'available', 'running', j.lease_owner, j.attempt, NULL, NULL, NULL
    FROM jobs j WHERE j.leased_at IS NOT NULL
    UNION ALL
    -- Jobs that succeeded before this migration have no lease_owner left: their worker is their last stored lease's.
    SELECT j.job_id, j.tenant_id, 3, 0, j.finished_at, 'running', 'succeeded',
           coalesce(j.lease_owner, (SELECT e.worker FROM job_events e WHERE e.job_id = j.job_id AND e.to_state = 'running' ORDER BY e.event_id DESC LIMIT 1)),
           j.attempt, NULL, NULL, NULL
    FROM jobs j WHERE j.initial_state IS NOT NULL AND j.state = 'succeeded';

-- Undoes 0020_queue_derived_lease_events. The derived lease events are stored first (after every stored event of their
-- job, where they belong), so no history is lost and 0010's view finds each success's worker in them again.
SELECT set_config('allixios.scope', 'system', true);

INSERT INTO job_events (job_id, tenant_id, at, from_state, to_state, worker, attempt, error, progress_percent, progress_message)
SELECT job_id, tenant_id, at, from_state, to_state, worker, attempt, error, progress_percent, progress_message
FROM job_history WHERE part = 2 ORDER BY job_id;

UPDATE jobs SET lease_owner = NULL WHERE state <> 'running' AND lease_owner IS NOT NULL;

DROP VIEW job_history;

ALTER TABLE jobs DROP COLUMN leased_at;

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

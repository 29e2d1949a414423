-- Undoes 0010_queue_lean_writes. The derived events are written as rows first, so no history is lost: creation events
-- get negative ids (before every stored event of their job), success events new ids (after them).
SELECT set_config('allixios.scope', 'system', true);

INSERT INTO job_events (event_id, job_id, tenant_id, at, from_state, to_state, worker, attempt, error, progress_percent, progress_message)
OVERRIDING SYSTEM VALUE
SELECT -row_number() OVER (ORDER BY job_id), job_id, tenant_id, at, from_state, to_state, worker, attempt, error, progress_percent, progress_message
FROM job_history WHERE part = 0;

INSERT INTO job_events (job_id, tenant_id, at, from_state, to_state, worker, attempt, error, progress_percent, progress_message)
SELECT job_id, tenant_id, at, from_state, to_state, worker, attempt, error, progress_percent, progress_message
FROM job_history WHERE part = 2 ORDER BY job_id;

DROP VIEW job_history;

ALTER TABLE job_events DROP CONSTRAINT job_events_pkey;
ALTER TABLE job_events ADD CONSTRAINT job_events_pkey PRIMARY KEY (event_id);
CREATE INDEX job_events_job_idx ON job_events (job_id, event_id);
ALTER TABLE job_events ADD CONSTRAINT job_events_job_id_fkey FOREIGN KEY (job_id) REFERENCES jobs (job_id) ON DELETE CASCADE;

DROP INDEX jobs_running_idx;
CREATE INDEX jobs_lease_idx ON jobs (lease_expires_at) WHERE state = 'running';
CREATE INDEX jobs_tenant_running_idx ON jobs (tenant_id) WHERE state = 'running';

DROP INDEX jobs_idempotency_key;
ALTER TABLE jobs ADD CONSTRAINT jobs_idempotency_key UNIQUE (tenant_id, idempotency_key);

ALTER TABLE jobs DROP COLUMN initial_state;

-- Fair scheduling: aging in the dispatch order, and a per-tenant index for the scheduler's turns.
--
-- A job's effective priority rises one level per minute it waits (Orchestration/JobAging.cs); ordering by it equals
-- ordering by dispatch_at = run_at - priority minutes, which does not change while the job waits, so it is a stored
-- column and indexable. Subtracting whole minutes does not depend on the time zone, so the helper is immutable in
-- fact even though timestamptz - interval is declared stable (which a generated column does not accept).

CREATE FUNCTION allixios_job_dispatch_at(run_at timestamptz, priority smallint) RETURNS timestamptz
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN run_at - make_interval(mins => priority);

ALTER TABLE jobs ADD COLUMN dispatch_at timestamptz GENERATED ALWAYS AS (allixios_job_dispatch_at(run_at, priority)) STORED;

DROP INDEX jobs_available_idx;
CREATE INDEX jobs_available_idx ON jobs (dispatch_at, created_at) WHERE state = 'available';
-- The scheduler asks for one tenant's jobs at a time.
CREATE INDEX jobs_tenant_available_idx ON jobs (tenant_id, dispatch_at, created_at) WHERE state = 'available';
-- The backlog view and the concurrency cap count running jobs per tenant.
CREATE INDEX jobs_tenant_running_idx ON jobs (tenant_id) WHERE state = 'running';

-- Orchestration: the durable job queue and each job's history.
--
-- Workers lease jobs with SELECT … FOR UPDATE SKIP LOCKED; the partial indexes below each serve one of the queue's
-- scans (due delayed/retrying jobs, available jobs by priority, expired leases, finished jobs past retention) and stay
-- small because each covers only the rows in the states it scans. Every time is written by the application from its
-- TimeProvider, never by now(), so all replicas and the in-memory queue read the same clock semantics.

CREATE TABLE jobs (
    job_id            uuid PRIMARY KEY,
    tenant_id         text NOT NULL,
    job_type          text NOT NULL,
    payload           jsonb NOT NULL,
    priority          smallint NOT NULL CHECK (priority BETWEEN 0 AND 9),
    idempotency_key   text,
    state             text NOT NULL CHECK (state IN ('scheduled', 'available', 'running', 'succeeded', 'retrying', 'dead_lettered', 'cancelled')),
    attempt           integer NOT NULL CHECK (attempt >= 0),
    max_attempts      integer NOT NULL CHECK (max_attempts >= 1),
    run_at            timestamptz NOT NULL,
    deadline          timestamptz,
    timeout           interval NOT NULL,
    tags              text[] NOT NULL DEFAULT '{}',
    estimated_cost    numeric,
    resource          text,
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL,
    finished_at       timestamptz,
    last_error        text,
    progress_percent  smallint CHECK (progress_percent BETWEEN 0 AND 100),
    progress_message  text,
    lease_token       uuid,
    lease_owner       text,
    lease_expires_at  timestamptz,
    -- NULL keys are distinct, so jobs without a key never collide.
    CONSTRAINT jobs_idempotency_key UNIQUE (tenant_id, idempotency_key)
);

CREATE INDEX jobs_due_idx ON jobs (run_at) WHERE state IN ('scheduled', 'retrying');
CREATE INDEX jobs_available_idx ON jobs (priority DESC, run_at, created_at) WHERE state = 'available';
CREATE INDEX jobs_lease_idx ON jobs (lease_expires_at) WHERE state = 'running';
CREATE INDEX jobs_finished_idx ON jobs (finished_at) WHERE state IN ('succeeded', 'cancelled', 'dead_lettered');
CREATE INDEX jobs_tenant_idx ON jobs (tenant_id, created_at DESC);

CREATE TABLE job_events (
    event_id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    job_id            uuid NOT NULL REFERENCES jobs (job_id) ON DELETE CASCADE,
    tenant_id         text NOT NULL,
    at                timestamptz NOT NULL,
    from_state        text,
    to_state          text NOT NULL,
    worker            text,
    attempt           integer NOT NULL,
    error             text,
    progress_percent  smallint,
    progress_message  text
);

CREATE INDEX job_events_job_idx ON job_events (job_id, event_id);

ALTER TABLE jobs ENABLE ROW LEVEL SECURITY;
ALTER TABLE jobs FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON jobs
    USING (allixios_row_visible(tenant_id)) WITH CHECK (allixios_row_visible(tenant_id));

ALTER TABLE job_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE job_events FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON job_events
    USING (allixios_row_visible(tenant_id)) WITH CHECK (allixios_row_visible(tenant_id));

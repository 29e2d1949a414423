-- Cron schedules and job dependencies (workflows).
--
-- A workflow step that depends on other jobs is 'waiting' until they all succeeded (then scheduled or available), or
-- until one of them is dead-lettered or cancelled (then cancelled, with a reason naming it). job_dependencies holds only
-- the edges still unresolved: a job's finish deletes its edges in the same transaction, so the table stays as small as
-- the set of waiting steps and a step is ready when no edge of it is left. It has no foreign keys for that reason (an
-- edge never outlives its jobs' finish), which also keeps deleting finished jobs free of cascade lookups.
-- A cron schedule enqueues a job from its template at each fire time of its cron expression in its time zone;
-- next_fire_at is what the schedulers of every replica compare-and-set, and each fire's job carries an idempotency key
-- made of the schedule id and the fire time, so a fire time is enqueued exactly once.

ALTER TABLE jobs DROP CONSTRAINT jobs_state_check;
ALTER TABLE jobs ADD CONSTRAINT jobs_state_check
    CHECK (state IN ('scheduled', 'available', 'running', 'succeeded', 'retrying', 'dead_lettered', 'cancelled', 'waiting'));

CREATE TABLE job_dependencies (
    tenant_id   text NOT NULL,
    job_id      uuid NOT NULL,
    depends_on  uuid NOT NULL,
    PRIMARY KEY (job_id, depends_on)
);

-- A finishing job looks up the jobs that wait for it.
CREATE INDEX job_dependencies_depends_on_idx ON job_dependencies (depends_on);

ALTER TABLE job_dependencies ENABLE ROW LEVEL SECURITY;
ALTER TABLE job_dependencies FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON job_dependencies
    USING (allixios_row_visible(tenant_id)) WITH CHECK (allixios_row_visible(tenant_id));

CREATE TABLE cron_schedules (
    schedule_id       uuid PRIMARY KEY,
    tenant_id         text NOT NULL,
    name              text NOT NULL,
    expression        text NOT NULL,
    time_zone         text NOT NULL,
    job_type          text NOT NULL,
    payload           jsonb NOT NULL,
    priority          smallint NOT NULL CHECK (priority BETWEEN 0 AND 9),
    max_attempts      integer,
    timeout           interval,
    tags              text[] NOT NULL DEFAULT '{}',
    estimated_cost    numeric,
    resource          text,
    enabled           boolean NOT NULL,
    misfire           text NOT NULL CHECK (misfire IN ('fire_once', 'skip', 'fire_all')),
    max_missed_fires  integer NOT NULL CHECK (max_missed_fires BETWEEN 1 AND 1000),
    last_fire_at      timestamptz,
    next_fire_at      timestamptz,
    last_error        text,
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL,
    CONSTRAINT cron_schedules_name UNIQUE (tenant_id, name)
);

-- The schedulers' one scan: enabled schedules by next fire time.
CREATE INDEX cron_schedules_due_idx ON cron_schedules (next_fire_at) WHERE enabled;

ALTER TABLE cron_schedules ENABLE ROW LEVEL SECURITY;
ALTER TABLE cron_schedules FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON cron_schedules
    USING (allixios_row_visible(tenant_id)) WITH CHECK (allixios_row_visible(tenant_id));

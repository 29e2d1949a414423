-- Waiting steps cannot outlive the table that says what they wait for: they are cancelled first.
DROP TABLE IF EXISTS cron_schedules;
DROP TABLE job_dependencies;
-- Row-level security hides every row from a session with no scope; this statement must see all tenants' jobs.
SELECT set_config('allixios.scope', 'system', true);
UPDATE jobs SET state = 'cancelled', last_error = 'Cancelled: job dependencies were removed by a migration.' WHERE state = 'waiting';
ALTER TABLE jobs DROP CONSTRAINT jobs_state_check;
ALTER TABLE jobs ADD CONSTRAINT jobs_state_check
    CHECK (state IN ('scheduled', 'available', 'running', 'succeeded', 'retrying', 'dead_lettered', 'cancelled'));

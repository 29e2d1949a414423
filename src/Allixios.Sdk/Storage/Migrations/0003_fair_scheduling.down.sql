-- Undoes 0003_fair_scheduling.
DROP INDEX IF EXISTS jobs_tenant_running_idx;
DROP INDEX IF EXISTS jobs_tenant_available_idx;
DROP INDEX IF EXISTS jobs_available_idx;
ALTER TABLE jobs DROP COLUMN IF EXISTS dispatch_at;
DROP FUNCTION IF EXISTS allixios_job_dispatch_at(timestamptz, smallint);
CREATE INDEX jobs_available_idx ON jobs (priority DESC, run_at, created_at) WHERE state = 'available';

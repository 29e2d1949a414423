-- Undoes 0009_job_trace_context.
ALTER TABLE jobs DROP COLUMN IF EXISTS trace_parent;

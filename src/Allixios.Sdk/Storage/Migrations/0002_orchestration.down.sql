-- Undoes 0002_orchestration.
DROP TABLE IF EXISTS job_events;
DROP TABLE IF EXISTS jobs;

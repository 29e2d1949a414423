-- Undoes 0011_quality_and_job_results.
DROP TRIGGER IF EXISTS jobs_delete_results ON jobs;
DROP FUNCTION IF EXISTS allixios_delete_job_results();
DROP TABLE IF EXISTS job_results;
DROP TABLE IF EXISTS quality_scores;

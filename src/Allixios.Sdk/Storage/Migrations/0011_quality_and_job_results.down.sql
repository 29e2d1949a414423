-- Undoes 0011_quality_and_job_results.
DROP TABLE IF EXISTS job_results;
DROP TABLE IF EXISTS quality_scores;

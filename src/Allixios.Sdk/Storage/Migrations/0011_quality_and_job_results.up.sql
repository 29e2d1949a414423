-- Quality scores of generated texts by model and job type (fed back into routing, and the ground for cost
-- recommendations), and the results jobs leave behind (e.g. a content.generate draft with its score breakdown).
-- Every time is written by the application from its TimeProvider, never by now().

CREATE TABLE quality_scores (
    score_id       uuid PRIMARY KEY,
    tenant_id      text NOT NULL,
    job_id         uuid,
    job_type       text,
    model          text NOT NULL,
    deployment_id  text,
    score          double precision NOT NULL CHECK (score BETWEEN 0 AND 100),
    at             timestamptz NOT NULL
);

CREATE INDEX quality_scores_tenant_at_idx ON quality_scores (tenant_id, at);
CREATE INDEX quality_scores_at_idx ON quality_scores (at);

-- One result per job, gone with its job. Not a foreign key: that would stop TRUNCATE jobs (and tie the job tables'
-- maintenance to this one); a statement-level trigger deletes the results of the jobs a DELETE removed (retention
-- deletes in batches, so one trigger run per batch), and SetAsync checks the job exists and is the tenant's.
CREATE TABLE job_results (
    job_id      uuid PRIMARY KEY,
    tenant_id   text NOT NULL,
    result      jsonb NOT NULL,
    created_at  timestamptz NOT NULL
);

CREATE FUNCTION allixios_delete_job_results() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM job_results r USING deleted_jobs d WHERE r.job_id = d.job_id;
    RETURN NULL;
END
$$;

CREATE TRIGGER jobs_delete_results AFTER DELETE ON jobs
    REFERENCING OLD TABLE AS deleted_jobs
    FOR EACH STATEMENT EXECUTE FUNCTION allixios_delete_job_results();

ALTER TABLE quality_scores ENABLE ROW LEVEL SECURITY;
ALTER TABLE quality_scores FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON quality_scores
    USING (allixios_row_visible(tenant_id)) WITH CHECK (allixios_row_visible(tenant_id));

ALTER TABLE job_results ENABLE ROW LEVEL SECURITY;
ALTER TABLE job_results FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON job_results
    USING (allixios_row_visible(tenant_id)) WITH CHECK (allixios_row_visible(tenant_id));

DROP INDEX jobs_tags_idx;
DROP INDEX jobs_listing_idx;
CREATE INDEX jobs_tenant_idx ON jobs (tenant_id, created_at DESC);

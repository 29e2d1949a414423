-- Queue throughput: an index for listing a tenant's jobs newest first (job ids are UUIDv7, so their order is creation
-- order), filtered by state and type, and one for filtering by tag. PostgresJobQueue.ListAsync writes only the filters
-- given into its statement, so the planner can use them.
--
-- Every non-partial index gets a new entry on each enqueue and on each state change (a state change cannot be a HOT
-- update: state is in the queue's partial indexes), so listing costs the queue as little as possible:
-- - one B-tree, replacing the (tenant_id, created_at) index no query ordered by: the scan walks one tenant's entries
--   newest first from the page cursor (job_id < …) and checks state and type inside the index, reading only the rows
--   it returns;
-- - a GIN index on tags only for jobs that have tags: jobs without tags (most, and every job of a hot queue) cost it
--   nothing. The list statement adds "tags <> '{}'" to a tag filter so the planner knows the index covers it.

DROP INDEX jobs_tenant_idx;
CREATE INDEX jobs_listing_idx ON jobs (tenant_id, job_id DESC, state, job_type);
CREATE INDEX jobs_tags_idx ON jobs USING gin (tags) WHERE tags <> '{}';

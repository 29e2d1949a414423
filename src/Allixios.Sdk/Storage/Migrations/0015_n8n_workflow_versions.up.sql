-- Versions of n8n workflows, recorded by Allixios.N8nBridge: every change made through the bridge (create, update,
-- activate, deactivate, rollback) and every change a sync finds in n8n. Per tenant, with row-level security like
-- every tenant table. The SQL lives here because the migration runner reads the Sdk's embedded scripts; the store
-- that uses it is Allixios.N8nBridge's PostgresWorkflowVersionStore.

CREATE TABLE n8n_workflow_versions (
    tenant_id       text NOT NULL,
    workflow_id     text NOT NULL CHECK (length(workflow_id) BETWEEN 1 AND 200),
    version         integer NOT NULL CHECK (version >= 1),
    name            text NOT NULL,
    active          boolean NOT NULL,
    -- The whole workflow as n8n answered it; jsonb, so that it can be queried.
    definition      jsonb NOT NULL,
    hash            text NOT NULL,
    source          text NOT NULL CHECK (source IN ('bridge', 'sync')),
    change          text NOT NULL CHECK (change IN ('created', 'updated', 'activated', 'deactivated', 'rolled_back', 'synced')),
    author          text NOT NULL,
    note            text NOT NULL DEFAULT '',
    n8n_version_id  text,
    created_at      timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, workflow_id, version)
);

ALTER TABLE n8n_workflow_versions ENABLE ROW LEVEL SECURITY;
ALTER TABLE n8n_workflow_versions FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON n8n_workflow_versions
    USING (allixios_row_visible(tenant_id)) WITH CHECK (allixios_row_visible(tenant_id));

-- Search analytics and recommendations: the query log, clicks on hits, document interactions ("also viewed") and A/B
-- tests of ranking configurations. Reports are aggregates over the log computed when asked; nothing is pre-summed, so
-- a report over any window is exact. Every table is FORCE'd per tenant.

CREATE TABLE search_query_log (
    tenant_id      text NOT NULL,
    query_id       uuid NOT NULL,
    query_text     text NOT NULL,
    normalized     text NOT NULL,
    mode           text NOT NULL,
    result_count   bigint NOT NULL,
    latency_ms     double precision NOT NULL,
    experiment_id  text,
    arm            text,
    user_id        text,
    occurred_at    timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, query_id)
);

CREATE INDEX search_query_log_time_idx ON search_query_log (tenant_id, occurred_at);
CREATE INDEX search_query_log_experiment_idx ON search_query_log (tenant_id, experiment_id, arm) WHERE experiment_id IS NOT NULL;

-- A document counts once per query: the key makes a repeated click a no-op.
CREATE TABLE search_clicks (
    tenant_id      text NOT NULL,
    query_id       uuid NOT NULL,
    document_id    text COLLATE "C" NOT NULL,
    position       integer NOT NULL,
    occurred_at    timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, query_id, document_id),
    FOREIGN KEY (tenant_id, query_id) REFERENCES search_query_log (tenant_id, query_id) ON DELETE CASCADE
);

CREATE TABLE search_interactions (
    tenant_id      text NOT NULL,
    interaction_id bigint GENERATED ALWAYS AS IDENTITY,
    user_id        text COLLATE "C" NOT NULL,
    document_id    text COLLATE "C" NOT NULL,
    kind           text NOT NULL,
    occurred_at    timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, interaction_id)
);

CREATE INDEX search_interactions_document_idx ON search_interactions (tenant_id, document_id, occurred_at) INCLUDE (user_id);
CREATE INDEX search_interactions_user_idx ON search_interactions (tenant_id, user_id, occurred_at) INCLUDE (document_id);

CREATE TABLE search_experiments (
    tenant_id      text NOT NULL,
    experiment_id  text COLLATE "C" NOT NULL,
    name           text NOT NULL,
    arms           jsonb NOT NULL,
    status         text NOT NULL,
    created_at     timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, experiment_id)
);

ALTER TABLE search_query_log ENABLE ROW LEVEL SECURITY;
ALTER TABLE search_query_log FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON search_query_log
    USING (allixios_row_visible(tenant_id)) WITH CHECK (allixios_row_visible(tenant_id));

ALTER TABLE search_clicks ENABLE ROW LEVEL SECURITY;
ALTER TABLE search_clicks FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON search_clicks
    USING (allixios_row_visible(tenant_id)) WITH CHECK (allixios_row_visible(tenant_id));

ALTER TABLE search_interactions ENABLE ROW LEVEL SECURITY;
ALTER TABLE search_interactions FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON search_interactions
    USING (allixios_row_visible(tenant_id)) WITH CHECK (allixios_row_visible(tenant_id));

ALTER TABLE search_experiments ENABLE ROW LEVEL SECURITY;
ALTER TABLE search_experiments FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON search_experiments
    USING (allixios_row_visible(tenant_id)) WITH CHECK (allixios_row_visible(tenant_id));

-- Foundation: tenants, their API keys and the audit log.
--
-- Row-level security is defence in depth: a connection scoped to one tenant (allixios.tenant_id set for the
-- transaction) sees only that tenant's rows, whatever its SQL says; a connection with no scope sees nothing.
-- Platform operations that must span tenants (key lookup before the tenant is known, administration) set
-- allixios.scope = 'system'. FORCE makes the policies apply to the table owner too, the role the app runs as.
-- Superusers bypass row-level security in PostgreSQL: run the app as an ordinary role.

CREATE EXTENSION IF NOT EXISTS vector;

CREATE FUNCTION allixios_row_visible(row_tenant text) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT current_setting('allixios.scope', true) = 'system'
        OR row_tenant = current_setting('allixios.tenant_id', true)
$$;

CREATE TABLE tenants (
    tenant_id     text PRIMARY KEY CHECK (tenant_id ~ '^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$'),
    display_name  text NOT NULL,
    limits        jsonb NOT NULL DEFAULT '{}'::jsonb,
    features      jsonb NOT NULL DEFAULT '{}'::jsonb,
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL
);

CREATE TABLE api_keys (
    key_id        text PRIMARY KEY,
    tenant_id     text NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    name          text NOT NULL,
    scopes        text[] NOT NULL,
    prefix        text NOT NULL,
    secret_hash   bytea NOT NULL UNIQUE,
    created_at    timestamptz NOT NULL,
    expires_at    timestamptz,
    revoked_at    timestamptz,
    last_used_at  timestamptz
);

CREATE INDEX api_keys_tenant_idx ON api_keys (tenant_id, created_at DESC);

CREATE TABLE audit_log (
    audit_id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id     text NOT NULL,
    actor         text NOT NULL,
    action        text NOT NULL,
    target        text NOT NULL,
    occurred_at   timestamptz NOT NULL,
    details       jsonb NOT NULL DEFAULT '{}'::jsonb
);

CREATE INDEX audit_log_tenant_idx ON audit_log (tenant_id, audit_id DESC);

ALTER TABLE tenants ENABLE ROW LEVEL SECURITY;
ALTER TABLE tenants FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON tenants
    USING (allixios_row_visible(tenant_id)) WITH CHECK (allixios_row_visible(tenant_id));

ALTER TABLE api_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE api_keys FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON api_keys
    USING (allixios_row_visible(tenant_id)) WITH CHECK (allixios_row_visible(tenant_id));

ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_log FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON audit_log
    USING (allixios_row_visible(tenant_id)) WITH CHECK (allixios_row_visible(tenant_id));

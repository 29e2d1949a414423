-- Budgets, reservations against them, the usage ledger and shared rate-limit windows.
--
-- A reservation locks the budgets that apply (SELECT … FOR UPDATE, in budget_id order) and adds its amount to their
-- reserved column in the same transaction, so of many replicas reserving at once no two take the last of a budget.
-- Every lock taker goes reservation row first, then budgets in budget_id order, so they cannot deadlock. Spent
-- belongs to the window starting at window_start; a reservation or settlement in a later window starts it afresh.
-- Every time is written by the application from its TimeProvider, never by now(). Amounts are numeric(38, 10):
-- 10 decimal places (the clients round to them) keep any sum readable as a .NET decimal.

CREATE TABLE budgets (
    budget_id      uuid PRIMARY KEY,
    tenant_id      text NOT NULL,
    api_key_id     text,
    name           text NOT NULL,
    period         text NOT NULL CHECK (period IN ('day', 'month')),
    currency       text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    limit_amount   numeric(38, 10) NOT NULL CHECK (limit_amount >= 0),
    warning_ratio  numeric NOT NULL CHECK (warning_ratio BETWEEN 0 AND 1),
    spent          numeric(38, 10) NOT NULL DEFAULT 0,
    reserved       numeric(38, 10) NOT NULL DEFAULT 0,
    window_start   timestamptz NOT NULL,
    created_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL
);

-- One budget per tenant, API key (or none), period and currency.
CREATE UNIQUE INDEX budgets_scope_idx ON budgets (tenant_id, coalesce(api_key_id, ''), period, currency);

CREATE TABLE budget_reservations (
    reservation_id  uuid PRIMARY KEY,
    tenant_id       text NOT NULL,
    api_key_id      text,
    amount          numeric(38, 10) NOT NULL CHECK (amount >= 0),
    currency        text NOT NULL,
    state           text NOT NULL CHECK (state IN ('held', 'settled', 'released', 'expired')),
    expires_at      timestamptz NOT NULL,
    finished_at     timestamptz,
    settled_amount  numeric(38, 10)
);

CREATE INDEX budget_reservations_expiry_idx ON budget_reservations (expires_at) WHERE state = 'held';
CREATE INDEX budget_reservations_finished_idx ON budget_reservations (finished_at) WHERE state <> 'held';

-- Which budgets a reservation holds money in. No foreign key to budgets: a deleted budget simply stops being held.
CREATE TABLE budget_holds (
    reservation_id  uuid NOT NULL REFERENCES budget_reservations (reservation_id) ON DELETE CASCADE,
    budget_id       uuid NOT NULL,
    tenant_id       text NOT NULL,
    PRIMARY KEY (reservation_id, budget_id)
);

CREATE TABLE usage_ledger (
    entry_id       uuid PRIMARY KEY,
    tenant_id      text NOT NULL,
    api_key_id     text,
    job_id         uuid,
    job_type       text,
    model          text,
    provider       text,
    input_tokens   bigint NOT NULL CHECK (input_tokens >= 0),
    output_tokens  bigint NOT NULL CHECK (output_tokens >= 0),
    cost           numeric(38, 10) NOT NULL CHECK (cost >= 0),
    currency       text NOT NULL,
    latency_ms     double precision NOT NULL CHECK (latency_ms >= 0),
    outcome        text NOT NULL CHECK (outcome IN ('succeeded', 'failed', 'cancelled', 'refused')),
    at             timestamptz NOT NULL
);

CREATE INDEX usage_ledger_tenant_at_idx ON usage_ledger (tenant_id, at DESC, entry_id DESC);
CREATE INDEX usage_ledger_at_idx ON usage_ledger (at);

-- Shared fixed-window counters for rate limits of resources (providers), which are platform-wide, not tenant data.
CREATE TABLE rate_limit_windows (
    limit_key     text NOT NULL,
    window_start  timestamptz NOT NULL,
    used          bigint NOT NULL,
    PRIMARY KEY (limit_key, window_start)
);

ALTER TABLE budgets ENABLE ROW LEVEL SECURITY;
ALTER TABLE budgets FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON budgets
    USING (allixios_row_visible(tenant_id)) WITH CHECK (allixios_row_visible(tenant_id));

ALTER TABLE budget_reservations ENABLE ROW LEVEL SECURITY;
ALTER TABLE budget_reservations FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON budget_reservations
    USING (allixios_row_visible(tenant_id)) WITH CHECK (allixios_row_visible(tenant_id));

ALTER TABLE budget_holds ENABLE ROW LEVEL SECURITY;
ALTER TABLE budget_holds FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON budget_holds
    USING (allixios_row_visible(tenant_id)) WITH CHECK (allixios_row_visible(tenant_id));

ALTER TABLE usage_ledger ENABLE ROW LEVEL SECURITY;
ALTER TABLE usage_ledger FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON usage_ledger
    USING (allixios_row_visible(tenant_id)) WITH CHECK (allixios_row_visible(tenant_id));

-- Webhooks: subscriptions per tenant, a durable outbox of messages, and the log of every delivery attempt.
--
-- The outbox is written in the transaction of the event it reports. For job events that is done by a trigger on jobs,
-- so the queue's SQL stays as it is: a job's change of state and its messages commit (or roll back) together, whatever
-- path made the change (completion, a failed attempt, a rescued lease, a cancellation, a workflow's dependency). The
-- trigger's WHEN clause is evaluated without calling any function, so only a change into one of the four reported
-- states costs a call, and that call is one index probe of webhook_subscriptions when the tenant has no subscription
-- to the event.
-- Other capabilities publish their events (content.published, …) through allixios_webhook_publish in their own
-- transactions. Every time is the application's (the event's time comes from the row it reports), never now().

CREATE TABLE webhook_subscriptions (
    subscription_id  uuid PRIMARY KEY,
    tenant_id        text NOT NULL,
    url              text NOT NULL CHECK (length(url) <= 2048),
    event_types      text[] NOT NULL CHECK (cardinality(event_types) >= 1),
    secret           text NOT NULL,
    enabled          boolean NOT NULL,
    description      text NOT NULL DEFAULT '',
    disabled_reason  text,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL
);

-- The trigger's probe: a tenant's enabled subscriptions.
CREATE INDEX webhook_subscriptions_tenant_idx ON webhook_subscriptions (tenant_id) WHERE enabled;

-- One message per event and subscription: its webhook-id is msg_ + message_id, the same on every attempt.
-- position orders a tenant's messages newest first for listing.
CREATE TABLE webhook_messages (
    message_id        uuid PRIMARY KEY,
    position          bigint GENERATED ALWAYS AS IDENTITY,
    tenant_id         text NOT NULL,
    subscription_id   uuid NOT NULL REFERENCES webhook_subscriptions (subscription_id) ON DELETE CASCADE,
    event_type        text NOT NULL,
    payload           jsonb NOT NULL,
    created_at        timestamptz NOT NULL,
    state             text NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
    attempts          integer NOT NULL DEFAULT 0,
    next_attempt_at   timestamptz,
    last_attempt_at   timestamptz,
    delivered_at      timestamptz,
    last_status_code  integer,
    last_error        text,
    -- Set while a dispatcher holds the message: next_attempt_at is then the end of its claim, after which another
    -- dispatcher takes it (the first crashed or hung); an attempt is recorded only under the token it was claimed with.
    claim_token       uuid
);

-- The dispatchers' one scan: pending messages by due time.
CREATE INDEX webhook_messages_due_idx ON webhook_messages (next_attempt_at) WHERE state = 'pending';
CREATE INDEX webhook_messages_tenant_idx ON webhook_messages (tenant_id, position DESC);
CREATE INDEX webhook_messages_subscription_idx ON webhook_messages (subscription_id, position DESC);

CREATE TABLE webhook_attempts (
    attempt_id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    message_id        uuid NOT NULL REFERENCES webhook_messages (message_id) ON DELETE CASCADE,
    tenant_id         text NOT NULL,
    at                timestamptz NOT NULL,
    status_code       integer,
    duration          interval NOT NULL,
    response_excerpt  text,
    error             text,
    succeeded         boolean NOT NULL
);

CREATE INDEX webhook_attempts_message_idx ON webhook_attempts (message_id, attempt_id);

ALTER TABLE webhook_subscriptions ENABLE ROW LEVEL SECURITY;
ALTER TABLE webhook_subscriptions FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON webhook_subscriptions
    USING (allixios_row_visible(tenant_id)) WITH CHECK (allixios_row_visible(tenant_id));

ALTER TABLE webhook_messages ENABLE ROW LEVEL SECURITY;
ALTER TABLE webhook_messages FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON webhook_messages
    USING (allixios_row_visible(tenant_id)) WITH CHECK (allixios_row_visible(tenant_id));

ALTER TABLE webhook_attempts ENABLE ROW LEVEL SECURITY;
ALTER TABLE webhook_attempts FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON webhook_attempts
    USING (allixios_row_visible(tenant_id)) WITH CHECK (allixios_row_visible(tenant_id));

-- Writes one pending message for each of the tenant's enabled subscriptions to event_type, in the caller's transaction,
-- and returns how many. The payload is the Standard Webhooks envelope: {"type", "timestamp", "data"}.
CREATE FUNCTION allixios_webhook_publish(p_tenant_id text, p_event_type text, p_data jsonb, p_at timestamptz) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    written integer;
BEGIN
    INSERT INTO webhook_messages (message_id, tenant_id, subscription_id, event_type, payload, created_at, state, next_attempt_at)
    SELECT gen_random_uuid(), s.tenant_id, s.subscription_id, p_event_type,
           jsonb_build_object('type', p_event_type, 'timestamp', to_char(p_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), 'data', p_data),
           p_at, 'pending', p_at
    FROM webhook_subscriptions s
    WHERE s.tenant_id = p_tenant_id AND s.enabled AND s.event_types @> ARRAY[p_event_type];
    GET DIAGNOSTICS written = ROW_COUNT;
    RETURN written;
END
$$;

-- job.succeeded, job.failed (an attempt failed; it will be retried), job.dead_lettered, job.cancelled. The probe comes
-- first, so a tenant without a subscription to the event costs one index lookup and no JSON is built.
CREATE FUNCTION allixios_webhook_job_event() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    event_type text := CASE NEW.state WHEN 'retrying' THEN 'job.failed' ELSE 'job.' || NEW.state END;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM webhook_subscriptions s
                   WHERE s.tenant_id = NEW.tenant_id AND s.enabled AND s.event_types @> ARRAY[event_type]) THEN
        RETURN NULL;
    END IF;

    PERFORM allixios_webhook_publish(
        NEW.tenant_id,
        event_type,
        jsonb_build_object(
            'jobId', NEW.job_id, 'tenantId', NEW.tenant_id, 'jobType', NEW.job_type, 'state', NEW.state,
            'attempt', NEW.attempt, 'maxAttempts', NEW.max_attempts, 'tags', to_jsonb(NEW.tags),
            'error', CASE WHEN NEW.state = 'succeeded' THEN NULL ELSE NEW.last_error END),
        NEW.updated_at);
    RETURN NULL;
END
$$;

CREATE TRIGGER jobs_webhook_events AFTER UPDATE OF state ON jobs
    FOR EACH ROW
    WHEN (OLD.state IS DISTINCT FROM NEW.state AND NEW.state IN ('succeeded', 'retrying', 'dead_lettered', 'cancelled'))
    EXECUTE FUNCTION allixios_webhook_job_event();

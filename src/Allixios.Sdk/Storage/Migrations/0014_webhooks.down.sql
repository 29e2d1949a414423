-- Undoes 0014_webhooks: the trigger first, so no job change writes to a table being dropped.
DROP TRIGGER IF EXISTS jobs_webhook_events ON jobs;
DROP FUNCTION IF EXISTS allixios_webhook_job_event();
DROP FUNCTION IF EXISTS allixios_webhook_publish(text, text, jsonb, timestamptz);
DROP TABLE IF EXISTS webhook_attempts;
DROP TABLE IF EXISTS webhook_messages;
DROP TABLE IF EXISTS webhook_subscriptions;

-- Search analytics retention: SearchAnalyticsRetention deletes the oldest queries and interactions of every tenant in
-- batches; these indexes find them without scanning the tables (the existing ones lead with tenant_id).
CREATE INDEX search_query_log_age_idx ON search_query_log (occurred_at);
CREATE INDEX search_interactions_age_idx ON search_interactions (occurred_at);

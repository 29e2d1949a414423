-- Undoes 0019_search_analytics_retention.
DROP INDEX IF EXISTS search_interactions_age_idx;
DROP INDEX IF EXISTS search_query_log_age_idx;

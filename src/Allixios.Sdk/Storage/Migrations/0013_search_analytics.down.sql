-- Undoes 0013_search_analytics.
DROP TABLE IF EXISTS search_experiments;
DROP TABLE IF EXISTS search_interactions;
DROP TABLE IF EXISTS search_clicks;
DROP TABLE IF EXISTS search_query_log;

-- Undoes 0007_search. pg_trgm stays: objects outside Allixios may use it.
DROP TABLE IF EXISTS search_stats;
DROP TABLE IF EXISTS search_terms;
DROP TABLE IF EXISTS search_postings;
DROP TABLE IF EXISTS search_documents;

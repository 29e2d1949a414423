-- Undoes 0022_search_document_terms.
CREATE INDEX IF NOT EXISTS search_postings_document_idx ON search_postings (tenant_id, document_id);
DROP TABLE IF EXISTS search_document_terms;

-- Undoes 0018_search_scale.
ALTER TABLE search_terms RESET (fillfactor);
CREATE INDEX IF NOT EXISTS search_terms_unused_idx ON search_terms (tenant_id) WHERE df <= 0;

ALTER TABLE search_postings RESET (autovacuum_vacuum_insert_scale_factor, autovacuum_vacuum_scale_factor);
ALTER TABLE search_postings DROP CONSTRAINT search_postings_pkey;
ALTER TABLE search_postings ADD CONSTRAINT search_postings_pkey PRIMARY KEY (tenant_id, term, document_id);

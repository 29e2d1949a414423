-- Search at scale: postings read from the index alone, and document-frequency updates that touch no index.
--
-- Ranking reads each query term's postings (term frequency and document length). They are inserted document by
-- document, so one term's postings lie on as many heap pages as it has documents: at 20,000 documents reading 8,000
-- postings took ~300 ms of random heap reads. The primary key now carries tf and doc_length, so those reads are
-- index-only scans; autovacuum visits the table sooner after inserts, since index-only scans need the pages marked
-- all-visible.
--
-- Every indexed batch adds to the df of thousands of existing terms. The partial index on df (to find terms whose df
-- fell to 0) made each such update a new entry in every index of search_terms, the trigram GIN index included: ~0.6 s
-- for the terms of a 256-document chunk. Terms whose df falls to 0 are now deleted by the statement that lowers it,
-- so that index goes, and free space on each page lets the updated row stay on its page (a HOT update).

ALTER TABLE search_postings DROP CONSTRAINT search_postings_pkey;
ALTER TABLE search_postings ADD CONSTRAINT search_postings_pkey PRIMARY KEY (tenant_id, term, document_id) INCLUDE (tf, doc_length);
ALTER TABLE search_postings SET (autovacuum_vacuum_insert_scale_factor = 0.02, autovacuum_vacuum_scale_factor = 0.05);

DROP INDEX IF EXISTS search_terms_unused_idx;
ALTER TABLE search_terms SET (fillfactor = 70);

-- Search: a forward index, each document's terms and term frequencies in one row, written with its postings.
--
-- MaxScore ranking scores a query's rare terms from their postings and looks the common ones up only for the
-- candidates that can still reach the page. Looked up in search_postings, that was one index probe per candidate per
-- term: with RM3 feedback (~20 added terms) and 100-200 candidates, thousands of probes, most of the expanded query's
-- time. From this row a candidate's terms are one read. It also serves the feedback documents' term vectors and tells
-- a delete which postings to remove, so search_postings no longer needs its (tenant_id, document_id) index, which
-- every posting written had to enter.

CREATE TABLE search_document_terms (
    tenant_id     text NOT NULL,
    document_id   text COLLATE "C" NOT NULL,
    doc_length    integer NOT NULL,
    -- In term order (COLLATE "C"), one entry per distinct term, tfs[i] the frequency of terms[i].
    terms         text[] COLLATE "C" NOT NULL,
    tfs           integer[] NOT NULL,
    PRIMARY KEY (tenant_id, document_id)
);

ALTER TABLE search_document_terms ENABLE ROW LEVEL SECURITY;
ALTER TABLE search_document_terms FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON search_document_terms
    USING (allixios_row_visible(tenant_id)) WITH CHECK (allixios_row_visible(tenant_id));

-- Existing postings, every tenant's: the system scope, for this transaction only.
SELECT set_config('allixios.scope', 'system', true);
INSERT INTO search_document_terms (tenant_id, document_id, doc_length, terms, tfs)
SELECT tenant_id, document_id, doc_length, array_agg(term ORDER BY term), array_agg(tf ORDER BY term)
FROM search_postings
GROUP BY tenant_id, document_id, doc_length;
SELECT set_config('allixios.scope', '', true);

DROP INDEX search_postings_document_idx;

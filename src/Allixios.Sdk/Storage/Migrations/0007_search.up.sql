-- Search: documents and the structures for BM25 ranking, kept in the same transaction as the documents.
--
-- Text is analysed in .NET (one analyzer for the in-memory and the PostgreSQL index, so both rank alike); this schema
-- keeps what BM25 needs: per-document term frequencies and lengths (search_postings), per-tenant document frequencies
-- (search_terms) and per-tenant totals (search_stats). search_documents.lexemes holds the same terms with their
-- positions as a tsvector, for phrase matching with a GIN index. search_terms.term has a trigram index (pg_trgm) for
-- typo tolerance and byte-order collation so that LIKE 'prefix%' uses its b-tree. Every table is FORCE'd per tenant.

CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE search_documents (
    tenant_id     text NOT NULL,
    document_id   text COLLATE "C" NOT NULL,
    title         text NOT NULL,
    body          text NOT NULL,
    language      text NOT NULL,
    category      text,
    tags          text[] NOT NULL DEFAULT '{}',
    author        text,
    published_at  timestamptz,
    updated_at    timestamptz,
    fields        jsonb NOT NULL DEFAULT '{}'::jsonb,
    length        integer NOT NULL,
    lexemes       tsvector NOT NULL,
    indexed_at    timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, document_id)
);

CREATE INDEX search_documents_lexemes_idx ON search_documents USING gin (lexemes);
CREATE INDEX search_documents_tags_idx ON search_documents USING gin (tags);
CREATE INDEX search_documents_category_idx ON search_documents (tenant_id, category);
CREATE INDEX search_documents_published_idx ON search_documents (tenant_id, published_at);

CREATE TABLE search_postings (
    tenant_id     text NOT NULL,
    term          text COLLATE "C" NOT NULL,
    document_id   text COLLATE "C" NOT NULL,
    tf            integer NOT NULL,
    -- The document's length, copied here so that scoring reads postings alone.
    doc_length    integer NOT NULL,
    PRIMARY KEY (tenant_id, term, document_id)
);

CREATE INDEX search_postings_document_idx ON search_postings (tenant_id, document_id);

CREATE TABLE search_terms (
    tenant_id     text NOT NULL,
    term          text COLLATE "C" NOT NULL,
    df            integer NOT NULL,
    PRIMARY KEY (tenant_id, term)
);

CREATE INDEX search_terms_trgm_idx ON search_terms USING gin (term gin_trgm_ops);
CREATE INDEX search_terms_unused_idx ON search_terms (tenant_id) WHERE df <= 0;

CREATE TABLE search_stats (
    tenant_id     text PRIMARY KEY,
    doc_count     bigint NOT NULL,
    total_length  bigint NOT NULL
);

ALTER TABLE search_documents ENABLE ROW LEVEL SECURITY;
ALTER TABLE search_documents FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON search_documents
    USING (allixios_row_visible(tenant_id)) WITH CHECK (allixios_row_visible(tenant_id));

ALTER TABLE search_postings ENABLE ROW LEVEL SECURITY;
ALTER TABLE search_postings FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON search_postings
    USING (allixios_row_visible(tenant_id)) WITH CHECK (allixios_row_visible(tenant_id));

ALTER TABLE search_terms ENABLE ROW LEVEL SECURITY;
ALTER TABLE search_terms FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON search_terms
    USING (allixios_row_visible(tenant_id)) WITH CHECK (allixios_row_visible(tenant_id));

ALTER TABLE search_stats ENABLE ROW LEVEL SECURITY;
ALTER TABLE search_stats FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON search_stats
    USING (allixios_row_visible(tenant_id)) WITH CHECK (allixios_row_visible(tenant_id));

-- Search vectors: each tenant's named vector indexes (one dimension each) and the documents' vectors in them.
--
-- One table for every index and dimension, its column a `vector` without a dimension, rather than a table per index
-- or per dimension created at run time: one row-level-security policy and one migration cover every index, no
-- identifier from a request ever reaches DDL, and an index is just rows. HNSW needs a fixed dimension, so each
-- dimension in use gets a partial expression index, `(embedding::vector(N)) WHERE dimensions = N`; queries repeat
-- that expression and predicate to use it. The one for 384 (all-MiniLM-L6-v2, the default embedder) is made here;
-- PostgresVectorIndex makes others on first use. HNSW takes at most 2,000 dimensions; larger vectors are searched
-- exactly.

CREATE TABLE search_vector_indexes (
    tenant_id    text NOT NULL,
    index_name   text NOT NULL CHECK (index_name ~ '^[a-z0-9][a-z0-9_.-]{0,62}$'),
    dimensions   integer NOT NULL CHECK (dimensions BETWEEN 1 AND 16000),
    PRIMARY KEY (tenant_id, index_name)
);

CREATE TABLE search_vectors (
    tenant_id    text NOT NULL,
    index_name   text NOT NULL,
    document_id  text NOT NULL CHECK (length(document_id) BETWEEN 1 AND 256),
    dimensions   integer NOT NULL,
    embedding    vector NOT NULL CHECK (vector_dims(embedding) = dimensions),
    PRIMARY KEY (tenant_id, index_name, document_id),
    FOREIGN KEY (tenant_id, index_name) REFERENCES search_vector_indexes (tenant_id, index_name) ON DELETE CASCADE
);

CREATE INDEX search_vectors_hnsw_384 ON search_vectors USING hnsw ((embedding::vector(384)) vector_cosine_ops) WHERE dimensions = 384;

ALTER TABLE search_vector_indexes ENABLE ROW LEVEL SECURITY;
ALTER TABLE search_vector_indexes FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON search_vector_indexes
    USING (allixios_row_visible(tenant_id)) WITH CHECK (allixios_row_visible(tenant_id));

ALTER TABLE search_vectors ENABLE ROW LEVEL SECURITY;
ALTER TABLE search_vectors FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON search_vectors
    USING (allixios_row_visible(tenant_id)) WITH CHECK (allixios_row_visible(tenant_id));

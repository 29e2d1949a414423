-- Undoes 0008_search_vectors, with the HNSW indexes made at run time (they go with the table).
DROP TABLE IF EXISTS search_vectors;
DROP TABLE IF EXISTS search_vector_indexes;

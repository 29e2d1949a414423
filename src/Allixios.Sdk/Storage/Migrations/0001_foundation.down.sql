-- Undoes 0001_foundation. The vector extension stays: objects outside Allixios may use it.
DROP TABLE IF EXISTS audit_log;
DROP TABLE IF EXISTS api_keys;
DROP TABLE IF EXISTS tenants;
DROP FUNCTION IF EXISTS allixios_row_visible(text);

-- Undoes 0015_n8n_workflow_versions.
DROP TABLE IF EXISTS n8n_workflow_versions;

-- Undoes 0021_quality_scores_by_model.
DROP INDEX IF EXISTS quality_scores_model_at_idx;

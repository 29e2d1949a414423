-- The router rebuilds each model's moving quality from the model's newest scores when a process starts
-- (IQualityLedger.LatestByModelAsync): one range scan of this index per model keeps that read bounded.
CREATE INDEX quality_scores_model_at_idx ON quality_scores (lower(model), at DESC, score_id DESC);

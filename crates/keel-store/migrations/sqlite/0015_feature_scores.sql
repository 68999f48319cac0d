-- Prioritization of features: the inputs of each score on the feature row
-- (NULL = not scored; the scores themselves are computed on read, so a
-- change of formula or of the linked customers needs no rewrite), the
-- feature's place in its product's manual order, and the score history:
-- one row per changed input or rank move, with who, when, old -> new and
-- why, so a PM can see why a rank changed.
-- Mirrors migrations/postgres/0015_feature_scores.sql.

ALTER TABLE features ADD COLUMN rice_reach REAL;
ALTER TABLE features ADD COLUMN rice_impact REAL;
ALTER TABLE features ADD COLUMN rice_confidence REAL;
ALTER TABLE features ADD COLUMN rice_effort REAL;
ALTER TABLE features ADD COLUMN wsjf_business_value REAL;
ALTER TABLE features ADD COLUMN wsjf_time_criticality REAL;
ALTER TABLE features ADD COLUMN wsjf_risk_reduction REAL;
ALTER TABLE features ADD COLUMN wsjf_job_size REAL;
ALTER TABLE features ADD COLUMN value_rating INTEGER;
ALTER TABLE features ADD COLUMN effort_rating INTEGER;
ALTER TABLE features ADD COLUMN moscow TEXT;
-- 1-based place in the product's manual order; NULL until the product is
-- first ordered by hand (and for features created since: they come last).
ALTER TABLE features ADD COLUMN manual_rank INTEGER;

CREATE TABLE feature_score_history (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    feature_id TEXT NOT NULL REFERENCES features(id) ON DELETE CASCADE,
    -- The input that changed: rice.reach, wsjf.job_size, value, moscow,
    -- manual_rank, ...
    field TEXT NOT NULL,
    old_value TEXT,
    new_value TEXT,
    reason TEXT NOT NULL DEFAULT '',
    actor_id TEXT NOT NULL REFERENCES users(id),
    created_at TEXT NOT NULL
);
CREATE INDEX feature_score_history_feature ON feature_score_history(feature_id, id);

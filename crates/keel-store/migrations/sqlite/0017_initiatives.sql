-- Goals measured by linked work, and initiatives: a product's features
-- grouped toward one or more of its goals. Mirrors
-- migrations/postgres/0017_initiatives.sql.

-- manual (check-ins) or linked_features (share of linked features shipped).
ALTER TABLE goals ADD COLUMN measure TEXT NOT NULL DEFAULT 'manual';

CREATE TABLE initiatives (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    product_id TEXT NOT NULL REFERENCES products(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    -- planned, in_progress, done or cancelled.
    status TEXT NOT NULL DEFAULT 'planned',
    created_by TEXT NOT NULL REFERENCES users(id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX initiatives_product ON initiatives(workspace_id, product_id, id);

-- The goals an initiative moves; deleting either side removes the link.
CREATE TABLE initiative_goals (
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    initiative_id TEXT NOT NULL REFERENCES initiatives(id) ON DELETE CASCADE,
    goal_id TEXT NOT NULL REFERENCES goals(id) ON DELETE CASCADE,
    PRIMARY KEY (initiative_id, goal_id)
);
CREATE INDEX initiative_goals_goal ON initiative_goals(goal_id);

-- The features an initiative groups.
CREATE TABLE initiative_features (
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    initiative_id TEXT NOT NULL REFERENCES initiatives(id) ON DELETE CASCADE,
    feature_id TEXT NOT NULL REFERENCES features(id) ON DELETE CASCADE,
    PRIMARY KEY (initiative_id, feature_id)
);
CREATE INDEX initiative_features_feature ON initiative_features(feature_id);

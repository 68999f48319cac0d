-- Which goals a feature moves. A feature may serve several goals and a goal
-- is moved by several features; roadmaps group by it, a task's "why" walks
-- it, and key results measured by linked work count over it.
-- Mirrors migrations/postgres/0016_feature_goals.sql.

CREATE TABLE feature_goals (
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    feature_id TEXT NOT NULL REFERENCES features(id) ON DELETE CASCADE,
    goal_id TEXT NOT NULL REFERENCES goals(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    PRIMARY KEY (feature_id, goal_id)
);
CREATE INDEX feature_goals_goal ON feature_goals(goal_id);

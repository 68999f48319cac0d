-- Goals and key results (a key result is a goal with a parent objective)
-- and their check-ins over time. Mirrors migrations/sqlite/0014_goals.sql.

CREATE TABLE goals (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    product_id TEXT NOT NULL REFERENCES products(id) ON DELETE CASCADE,
    -- The objective this key result belongs to; deleting it deletes them.
    parent_id TEXT REFERENCES goals(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    metric TEXT NOT NULL DEFAULT '',
    baseline DOUBLE PRECISION,
    target DOUBLE PRECISION,
    unit TEXT NOT NULL DEFAULT '',
    -- YYYY-MM-DD.
    deadline TEXT,
    owner_id TEXT REFERENCES users(id),
    created_by TEXT NOT NULL REFERENCES users(id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX goals_product ON goals(workspace_id, product_id, id);
CREATE INDEX goals_parent ON goals(parent_id);

-- A measured value on a day; the latest by date is the goal's current value.
CREATE TABLE goal_checkins (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    goal_id TEXT NOT NULL REFERENCES goals(id) ON DELETE CASCADE,
    value DOUBLE PRECISION NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    -- YYYY-MM-DD.
    checked_on TEXT NOT NULL,
    created_by TEXT NOT NULL REFERENCES users(id),
    created_at TEXT NOT NULL
);
CREATE INDEX goal_checkins_goal ON goal_checkins(goal_id, checked_on, id);

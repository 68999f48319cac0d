-- Cycles (sprints): a named stretch of days of one product, and the tasks
-- in its scope. Each row of cycle_tasks is one stretch of time a task spent
-- in the scope (added_at until removed_at, open while NULL), so the
-- burn-up chart can replay how the scope grew and shrank.
-- Mirrors migrations/postgres/0006_cycles.sql.

CREATE TABLE cycles (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    product_id TEXT NOT NULL REFERENCES products(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    start_date TEXT NOT NULL,
    end_date TEXT NOT NULL,
    created_by TEXT NOT NULL REFERENCES users(id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX cycles_workspace ON cycles(workspace_id, start_date);

CREATE TABLE cycle_tasks (
    id TEXT PRIMARY KEY,
    cycle_id TEXT NOT NULL REFERENCES cycles(id) ON DELETE CASCADE,
    task_id TEXT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    added_at TEXT NOT NULL,
    removed_at TEXT
);
CREATE UNIQUE INDEX cycle_tasks_in_scope ON cycle_tasks(cycle_id, task_id) WHERE removed_at IS NULL;
CREATE INDEX cycle_tasks_cycle ON cycle_tasks(cycle_id, added_at);
CREATE INDEX cycle_tasks_task ON cycle_tasks(task_id);

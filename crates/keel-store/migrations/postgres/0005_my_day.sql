-- My day: the tasks a person plans for one calendar day (their own local
-- date, as the client sends it), in their order, each checked off or not.
-- One row per (person, day, task); a task left unfinished is offered again
-- on a later day by the application, never copied here by itself.
-- Mirrors migrations/sqlite/0005_my_day.sql.

CREATE TABLE my_day_items (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    task_id TEXT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    day TEXT NOT NULL,
    position BIGINT NOT NULL,
    done_at TEXT,
    created_at TEXT NOT NULL,
    CONSTRAINT my_day_items_day_task UNIQUE (workspace_id, user_id, day, task_id)
);
CREATE INDEX my_day_items_person_day ON my_day_items(workspace_id, user_id, day, position);
CREATE INDEX my_day_items_task ON my_day_items(task_id);

-- In-app notifications: one row per person told about something (for now,
-- an @mention in a comment). Mirrors migrations/postgres/0003_notifications.sql.

CREATE TABLE notifications (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    actor_id TEXT NOT NULL REFERENCES users(id),
    kind TEXT NOT NULL,
    task_id TEXT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    comment_id TEXT REFERENCES comments(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    read_at TEXT
);
CREATE INDEX notifications_recipient ON notifications(workspace_id, user_id, id);
CREATE INDEX notifications_unread ON notifications(workspace_id, user_id) WHERE read_at IS NULL;

-- Browser sessions, and a manual order for tasks (board columns).

CREATE TABLE sessions (
    id_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

ALTER TABLE tasks ADD COLUMN rank REAL NOT NULL DEFAULT 0;
CREATE INDEX tasks_product_rank ON tasks(product_id, rank);

-- Saved list views: a person's named filter/sort/group query for a
-- product's list, private to them. Mirrors migrations/sqlite/0004_saved_views.sql.

CREATE TABLE saved_views (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    product_id TEXT NOT NULL REFERENCES products(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    query TEXT NOT NULL,
    created_at TEXT NOT NULL,
    CONSTRAINT saved_views_owner_name UNIQUE (workspace_id, user_id, product_id, name)
);

-- Releases of a product: a version with a target date, its scope (features
-- and tasks), and once shipped, when and by whom. Features gain a
-- customer-facing summary, the sentence release notes use for them.
-- Mirrors migrations/postgres/0020_releases.sql.

CREATE TABLE releases (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    product_id TEXT NOT NULL REFERENCES products(id) ON DELETE CASCADE,
    -- The release's own version label, e.g. 1.4.0 (unique per product); the
    -- row's optimistic-concurrency counter is `revision`.
    version TEXT NOT NULL,
    name TEXT NOT NULL DEFAULT '',
    -- YYYY-MM-DD.
    target_date TEXT,
    -- planned or shipped.
    status TEXT NOT NULL DEFAULT 'planned',
    shipped_at TEXT,
    shipped_by TEXT REFERENCES users(id),
    created_by TEXT NOT NULL REFERENCES users(id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    revision INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX releases_product_version ON releases(product_id, version);
CREATE INDEX releases_workspace ON releases(workspace_id, product_id, id);

-- Features in a release's scope.
CREATE TABLE release_features (
    release_id TEXT NOT NULL REFERENCES releases(id) ON DELETE CASCADE,
    feature_id TEXT NOT NULL REFERENCES features(id) ON DELETE CASCADE,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    added_at TEXT NOT NULL,
    PRIMARY KEY (release_id, feature_id)
);
CREATE INDEX release_features_feature ON release_features(feature_id);

-- Tasks in a release's scope on their own (a feature's tasks come with it).
CREATE TABLE release_tasks (
    release_id TEXT NOT NULL REFERENCES releases(id) ON DELETE CASCADE,
    task_id TEXT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    added_at TEXT NOT NULL,
    PRIMARY KEY (release_id, task_id)
);
CREATE INDEX release_tasks_task ON release_tasks(task_id);

-- What a feature means to customers, in their words; release notes use it
-- (falling back to the title) and never the engineering fields.
ALTER TABLE features ADD COLUMN customer_summary TEXT NOT NULL DEFAULT '';

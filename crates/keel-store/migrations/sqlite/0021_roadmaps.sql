-- Roadmaps: per product, items placed in now / next / later lanes and on a
-- month timeline, and revocable read-only share links.
-- Mirrors migrations/postgres/0021_roadmaps.sql.

CREATE TABLE roadmaps (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    product_id TEXT NOT NULL REFERENCES products(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL REFERENCES users(id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    -- Moves with every change of the roadmap's items too.
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX roadmaps_product ON roadmaps(workspace_id, product_id, id);

-- One item per feature per roadmap; position is 0..n within its lane.
CREATE TABLE roadmap_items (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    roadmap_id TEXT NOT NULL REFERENCES roadmaps(id) ON DELETE CASCADE,
    feature_id TEXT NOT NULL REFERENCES features(id) ON DELETE CASCADE,
    lane TEXT NOT NULL,
    position INTEGER NOT NULL,
    -- YYYY-MM, both or neither (checked in keel_domain::roadmap::span).
    start_month TEXT,
    end_month TEXT,
    -- Shown on share links, with the stakeholder-language title and summary
    -- ('' = the feature's own title, no summary).
    is_public INTEGER NOT NULL DEFAULT 0,
    public_title TEXT NOT NULL DEFAULT '',
    public_summary TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX roadmap_items_feature ON roadmap_items(roadmap_id, feature_id);
CREATE INDEX roadmap_items_lane ON roadmap_items(roadmap_id, lane, position);

-- Read-only links for people without an account. Only the SHA-256 of the
-- secret is kept; revoking deletes the row, so the link stops at once.
CREATE TABLE roadmap_share_links (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    roadmap_id TEXT NOT NULL REFERENCES roadmaps(id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    label TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL REFERENCES users(id),
    created_at TEXT NOT NULL
);
CREATE INDEX roadmap_share_links_roadmap ON roadmap_share_links(roadmap_id, id);

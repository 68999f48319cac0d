-- Market: competitors (of the workspace, or of one product), how each one
-- covers our features (the comparison matrix), a SWOT board per product,
-- and notes on market trends.
-- Mirrors migrations/postgres/0009_market.sql.

CREATE TABLE competitors (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    -- NULL: a competitor of every product of the workspace.
    product_id TEXT REFERENCES products(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    website TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    strengths TEXT NOT NULL DEFAULT '',
    weaknesses TEXT NOT NULL DEFAULT '',
    pricing TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX competitors_workspace_name ON competitors(workspace_id, lower(name));
CREATE INDEX competitors_product ON competitors(product_id);

-- One cell of the comparison matrix: how a competitor covers a feature.
CREATE TABLE competitor_features (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    competitor_id TEXT NOT NULL REFERENCES competitors(id) ON DELETE CASCADE,
    feature_id TEXT NOT NULL REFERENCES features(id) ON DELETE CASCADE,
    -- has | partial | none
    level TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    CONSTRAINT competitor_features_pair UNIQUE (competitor_id, feature_id)
);
CREATE INDEX competitor_features_feature ON competitor_features(feature_id);

CREATE TABLE swot_items (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    product_id TEXT NOT NULL REFERENCES products(id) ON DELETE CASCADE,
    -- strength | weakness | opportunity | threat
    quadrant TEXT NOT NULL,
    text TEXT NOT NULL,
    -- Order inside the quadrant, from 0.
    position INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX swot_items_board ON swot_items(workspace_id, product_id, quadrant, position);

CREATE TABLE market_trends (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    product_id TEXT NOT NULL REFERENCES products(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    -- Markdown.
    body TEXT NOT NULL DEFAULT '',
    source_url TEXT NOT NULL DEFAULT '',
    -- YYYY-MM-DD: when the trend was seen.
    observed_on TEXT NOT NULL,
    -- low | medium | high
    impact TEXT NOT NULL DEFAULT 'medium',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX market_trends_product ON market_trends(workspace_id, product_id, observed_on);

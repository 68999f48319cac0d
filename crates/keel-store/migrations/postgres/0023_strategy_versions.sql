-- Every saved edit of a product's vision and strategy, numbered 1, 2, 3 …
-- per product, with its author and an optional note on why it changed. The
-- newest is the current text (products.vision mirrors its vision, for the
-- pages and clients that read only the product). The unique number makes
-- two saves from the same version collide instead of one silently
-- replacing the other. Mirrors migrations/sqlite/0023_strategy_versions.sql.

CREATE TABLE strategy_versions (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    product_id TEXT NOT NULL REFERENCES products(id) ON DELETE CASCADE,
    number BIGINT NOT NULL,
    vision TEXT NOT NULL,
    strategy TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    author_id TEXT NOT NULL REFERENCES users(id),
    created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX strategy_versions_number ON strategy_versions(product_id, number);

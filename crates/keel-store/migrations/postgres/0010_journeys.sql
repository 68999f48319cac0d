-- Customer journey maps: a grid of stages (columns, in `position` order)
-- by fixed lanes (rows: actions, touchpoints, thoughts, pain_points,
-- opportunities). A stage carries its emotion score (-2..2, checked by the
-- API); a cell is one stage's text in one lane; the opportunities cell of a
-- stage may be linked to what would act on it. `linked_kind` is 'feature'
-- for now; ideas will be a second kind without a schema change.
-- Mirrors migrations/sqlite/0010_journeys.sql.

CREATE TABLE journey_maps (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    product_id TEXT NOT NULL REFERENCES products(id) ON DELETE CASCADE,
    persona_id TEXT REFERENCES personas(id) ON DELETE SET NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL REFERENCES users(id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    -- Moves with every change to the map or its grid (the ETag of GET).
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX journey_maps_product ON journey_maps(workspace_id, product_id, id);
CREATE INDEX journey_maps_persona ON journey_maps(persona_id);

CREATE TABLE journey_stages (
    id TEXT PRIMARY KEY,
    map_id TEXT NOT NULL REFERENCES journey_maps(id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    name TEXT NOT NULL,
    emotion BIGINT NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX journey_stages_map ON journey_stages(map_id, position);

CREATE TABLE journey_cells (
    id TEXT PRIMARY KEY,
    map_id TEXT NOT NULL REFERENCES journey_maps(id) ON DELETE CASCADE,
    stage_id TEXT NOT NULL REFERENCES journey_stages(id) ON DELETE CASCADE,
    lane TEXT NOT NULL,
    text TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL,
    CONSTRAINT journey_cells_once UNIQUE (stage_id, lane)
);
CREATE INDEX journey_cells_map ON journey_cells(map_id);

CREATE TABLE journey_opportunity_links (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    map_id TEXT NOT NULL REFERENCES journey_maps(id) ON DELETE CASCADE,
    cell_id TEXT NOT NULL REFERENCES journey_cells(id) ON DELETE CASCADE,
    linked_kind TEXT NOT NULL,
    linked_id TEXT NOT NULL,
    created_by TEXT NOT NULL REFERENCES users(id),
    created_at TEXT NOT NULL,
    CONSTRAINT journey_opportunity_links_once UNIQUE (cell_id, linked_kind, linked_id)
);
CREATE INDEX journey_opportunity_links_map ON journey_opportunity_links(map_id);
CREATE INDEX journey_opportunity_links_target ON journey_opportunity_links(linked_kind, linked_id);

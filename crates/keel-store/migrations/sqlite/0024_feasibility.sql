-- Technical feasibility of features: a risk assessment (low, medium, high;
-- NULL = not assessed) with a short note, and dependencies between features
-- of the same product. The API refuses a dependency on itself, across
-- products or workspaces, and any edge that would close a cycle, so the
-- stored graph per product is always acyclic. Mirrors
-- migrations/postgres/0024_feasibility.sql.

ALTER TABLE features ADD COLUMN risk TEXT;
ALTER TABLE features ADD COLUMN risk_note TEXT NOT NULL DEFAULT '';

CREATE TABLE feature_dependencies (
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    feature_id TEXT NOT NULL REFERENCES features(id) ON DELETE CASCADE,
    depends_on_id TEXT NOT NULL REFERENCES features(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    PRIMARY KEY (feature_id, depends_on_id),
    CHECK (feature_id <> depends_on_id)
);
CREATE INDEX feature_dependencies_depends_on ON feature_dependencies(depends_on_id);
CREATE INDEX feature_dependencies_workspace ON feature_dependencies(workspace_id);

-- User stories under features ("As a … I want … so that …"), with their
-- acceptance criteria, and the link from a task to the story it serves.
-- Mirrors migrations/postgres/0022_stories.sql.

CREATE TABLE stories (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    product_id TEXT NOT NULL REFERENCES products(id) ON DELETE CASCADE,
    -- A story lives and dies with its feature.
    feature_id TEXT NOT NULL REFERENCES features(id) ON DELETE CASCADE,
    as_a TEXT NOT NULL,
    -- The persona behind `as_a`, when there is one; losing the persona
    -- keeps the story and its words.
    persona_id TEXT REFERENCES personas(id) ON DELETE SET NULL,
    i_want TEXT NOT NULL,
    so_that TEXT NOT NULL DEFAULT '',
    -- JSON array of {given, when, then}, in order: always read and written
    -- whole with the story, so one column keeps the order and the version.
    acceptance_criteria TEXT NOT NULL DEFAULT '[]',
    technical_requirements TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'draft',
    -- Order among the feature's stories, 0..n kept contiguous.
    position INTEGER NOT NULL,
    created_by TEXT NOT NULL REFERENCES users(id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX stories_feature ON stories(workspace_id, feature_id, position);
CREATE INDEX stories_product ON stories(workspace_id, product_id, id);

-- The story a task serves; deleting the story keeps the task.
ALTER TABLE tasks ADD COLUMN story_id TEXT REFERENCES stories(id) ON DELETE SET NULL;
-- The criterion (Criterion::key) a breakdown made this task from, so a
-- second breakdown skips it; NULL for tasks written by hand.
ALTER TABLE tasks ADD COLUMN story_criterion TEXT;
CREATE INDEX tasks_story ON tasks(story_id);

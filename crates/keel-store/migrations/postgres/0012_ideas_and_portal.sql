-- Ideas (from the team, brainstorming or the public portal) with votes and
-- evidence, promoted to features; and the per-product opt-in public portal.
-- Mirrors migrations/sqlite/0012_ideas_and_portal.sql.

-- The portal is off until a product's admin turns it on.
ALTER TABLE products ADD COLUMN portal_enabled BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE products ADD COLUMN portal_intro TEXT NOT NULL DEFAULT '';

CREATE TABLE ideas (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    product_id TEXT NOT NULL REFERENCES products(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'new',
    source TEXT NOT NULL DEFAULT 'team',
    -- Shown on the portal (title, description, status and vote count only).
    is_public BOOLEAN NOT NULL DEFAULT FALSE,
    -- Who suggested it from the portal; NULL for the team's own ideas.
    customer_id TEXT REFERENCES customers(id) ON DELETE SET NULL,
    created_by TEXT REFERENCES users(id),
    -- The feature it became.
    feature_id TEXT REFERENCES features(id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX ideas_product ON ideas(workspace_id, product_id, id);

-- One vote per person: a member (user_id) or a portal visitor, known by
-- the customer their email names (customer_id).
CREATE TABLE idea_votes (
    idea_id TEXT NOT NULL REFERENCES ideas(id) ON DELETE CASCADE,
    workspace_id TEXT NOT NULL,
    voter TEXT NOT NULL,
    user_id TEXT REFERENCES users(id) ON DELETE CASCADE,
    customer_id TEXT REFERENCES customers(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    PRIMARY KEY (idea_id, voter)
);

-- Evidence for an idea: a feedback passage, as feedback_links is for a
-- feature. Promoting the idea copies these to the new feature.
CREATE TABLE idea_links (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    feedback_id TEXT NOT NULL REFERENCES feedback(id) ON DELETE CASCADE,
    idea_id TEXT NOT NULL REFERENCES ideas(id) ON DELETE CASCADE,
    importance TEXT NOT NULL,
    excerpt TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL REFERENCES users(id),
    created_at TEXT NOT NULL,
    CONSTRAINT idea_links_once UNIQUE (feedback_id, idea_id)
);
CREATE INDEX idea_links_idea ON idea_links(idea_id);

-- idea: ideas.title and description in global search (see 0008_search.sql
-- and 0011_search_words_per_kind.sql).
CREATE TRIGGER search_insert_delete AFTER INSERT OR DELETE ON ideas
    FOR EACH ROW EXECUTE FUNCTION search_index('idea', 'title', 'description');
CREATE TRIGGER search_update AFTER UPDATE OF title, description ON ideas
    FOR EACH ROW WHEN (OLD.title IS DISTINCT FROM NEW.title OR OLD.description IS DISTINCT FROM NEW.description)
    EXECUTE FUNCTION search_index('idea', 'title', 'description');
-- dialect: PostgreSQL only.
CREATE INDEX search_docs_words_idea ON search_docs USING gin (document) WHERE kind = 'idea';

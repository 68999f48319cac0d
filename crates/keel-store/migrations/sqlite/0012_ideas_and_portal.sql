-- Ideas (from the team, brainstorming or the public portal) with votes and
-- evidence, promoted to features; and the per-product opt-in public portal.
-- Mirrors migrations/postgres/0012_ideas_and_portal.sql.

-- The portal is off until a product's admin turns it on.
ALTER TABLE products ADD COLUMN portal_enabled INTEGER NOT NULL DEFAULT 0;
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
    is_public INTEGER NOT NULL DEFAULT 0,
    -- Who suggested it from the portal; NULL for the team's own ideas.
    customer_id TEXT REFERENCES customers(id) ON DELETE SET NULL,
    created_by TEXT REFERENCES users(id),
    -- The feature it became.
    feature_id TEXT REFERENCES features(id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
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

-- idea: ideas.title and description in global search (see 0008_search.sql).
CREATE VIRTUAL TABLE search_fts_idea USING fts5(title, body, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 2', prefix='2 3');
CREATE TRIGGER search_idea_insert AFTER INSERT ON ideas BEGIN
    INSERT INTO search_docs (doc, workspace_id, kind, item_id)
    SELECT COALESCE((SELECT MAX(doc) FROM search_docs WHERE doc > (w.num << 40) AND doc < ((w.num + 1) << 40)), w.num << 40) + 1,
           NEW.workspace_id, 'idea', NEW.id
    FROM search_workspaces w WHERE w.workspace_id = NEW.workspace_id;
    INSERT INTO search_fts_idea (rowid, title, body)
    SELECT doc, NEW.title, NEW.description FROM search_docs WHERE kind = 'idea' AND item_id = NEW.id;
END;
CREATE TRIGGER search_idea_update AFTER UPDATE OF title, description ON ideas WHEN OLD.title IS NOT NEW.title OR OLD.description IS NOT NEW.description BEGIN
    DELETE FROM search_fts_idea WHERE rowid = (SELECT doc FROM search_docs WHERE kind = 'idea' AND item_id = OLD.id);
    INSERT INTO search_fts_idea (rowid, title, body)
    SELECT doc, NEW.title, NEW.description FROM search_docs WHERE kind = 'idea' AND item_id = NEW.id;
END;
CREATE TRIGGER search_idea_delete AFTER DELETE ON ideas BEGIN
    DELETE FROM search_fts_idea WHERE rowid = (SELECT doc FROM search_docs WHERE kind = 'idea' AND item_id = OLD.id);
    DELETE FROM search_docs WHERE kind = 'idea' AND item_id = OLD.id;
END;

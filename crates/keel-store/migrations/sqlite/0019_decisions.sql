-- The decision log: what was decided, why, who was told, and the items it
-- is about. Mirrors migrations/postgres/0019_decisions.sql.

CREATE TABLE decisions (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    product_id TEXT NOT NULL REFERENCES products(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    context TEXT NOT NULL DEFAULT '',
    -- JSON array of strings: the options considered, in the order given.
    options TEXT NOT NULL DEFAULT '[]',
    -- accepted, declined or deferred.
    outcome TEXT NOT NULL,
    -- Empty when nobody wrote one down (a feature declined without a note).
    rationale TEXT NOT NULL DEFAULT '',
    -- YYYY-MM-DD.
    decided_on TEXT NOT NULL,
    decided_by TEXT REFERENCES users(id),
    -- YYYY-MM-DD: "worth another look" stays quiet before this day.
    look_again_after TEXT,
    created_by TEXT NOT NULL REFERENCES users(id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX decisions_product ON decisions(workspace_id, product_id, id);

-- Who was told: a workspace member (user_id set) or a free-text name.
CREATE TABLE decision_informed (
    decision_id TEXT NOT NULL REFERENCES decisions(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    user_id TEXT REFERENCES users(id),
    name TEXT NOT NULL,
    PRIMARY KEY (decision_id, position)
);

-- The features, goals and feedback a decision is about. For a feature the
-- demand at decision time is kept, so growth since can be judged.
CREATE TABLE decision_links (
    decision_id TEXT NOT NULL REFERENCES decisions(id) ON DELETE CASCADE,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    -- feature, goal or feedback.
    kind TEXT NOT NULL,
    item_id TEXT NOT NULL,
    feedback_count INTEGER,
    customer_count INTEGER,
    company_count INTEGER,
    arr REAL,
    score INTEGER,
    PRIMARY KEY (decision_id, kind, item_id)
);
CREATE INDEX decision_links_item ON decision_links(workspace_id, kind, item_id);

-- Customer insight: companies, customers, personas, the feedback inbox,
-- evidence links from feedback to features, and the stored text vectors
-- behind "similar feedback" and themes.
-- Mirrors migrations/postgres/0007_customer_insight.sql.

CREATE TABLE companies (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    segment TEXT NOT NULL DEFAULT '',
    plan TEXT NOT NULL DEFAULT '',
    -- Annual recurring revenue in the workspace's currency; NULL = unknown.
    arr REAL,
    attributes TEXT NOT NULL DEFAULT '{}',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX companies_workspace_name ON companies(workspace_id, lower(name));

CREATE TABLE personas (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    goals TEXT NOT NULL DEFAULT '',
    pains TEXT NOT NULL DEFAULT '',
    jobs TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX personas_workspace_name ON personas(workspace_id, lower(name));

CREATE TABLE customers (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    email TEXT,
    company_id TEXT REFERENCES companies(id) ON DELETE SET NULL,
    segment TEXT NOT NULL DEFAULT '',
    persona_id TEXT REFERENCES personas(id) ON DELETE SET NULL,
    attributes TEXT NOT NULL DEFAULT '{}',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX customers_workspace_email ON customers(workspace_id, lower(email)) WHERE email IS NOT NULL;
CREATE INDEX customers_company ON customers(company_id);

CREATE TABLE feedback (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    product_id TEXT NOT NULL REFERENCES products(id) ON DELETE CASCADE,
    text TEXT NOT NULL,
    source TEXT NOT NULL,
    customer_id TEXT REFERENCES customers(id) ON DELETE SET NULL,
    status TEXT NOT NULL DEFAULT 'new',
    sentiment TEXT NOT NULL DEFAULT 'neutral',
    tags TEXT NOT NULL DEFAULT '[]',
    -- The day the customer said it (may be before it was entered).
    received_on TEXT NOT NULL,
    duplicate_of TEXT REFERENCES feedback(id) ON DELETE SET NULL,
    -- NULL for portal submissions, which have no signed-in author.
    created_by TEXT REFERENCES users(id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX feedback_inbox ON feedback(workspace_id, product_id, status, id);
CREATE INDEX feedback_customer ON feedback(customer_id);

CREATE TABLE feedback_tags (
    feedback_id TEXT NOT NULL REFERENCES feedback(id) ON DELETE CASCADE,
    workspace_id TEXT NOT NULL,
    tag TEXT NOT NULL,
    PRIMARY KEY (feedback_id, tag)
);
CREATE INDEX feedback_tags_tag ON feedback_tags(workspace_id, tag);

CREATE TABLE feedback_links (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    feedback_id TEXT NOT NULL REFERENCES feedback(id) ON DELETE CASCADE,
    feature_id TEXT NOT NULL REFERENCES features(id) ON DELETE CASCADE,
    importance TEXT NOT NULL,
    excerpt TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL REFERENCES users(id),
    created_at TEXT NOT NULL,
    CONSTRAINT feedback_links_once UNIQUE (feedback_id, feature_id)
);
CREATE INDEX feedback_links_feature ON feedback_links(feature_id);

-- One vector per feedback item and model ("lexical" vectors are not stored:
-- they depend on the whole corpus and are computed when asked).
CREATE TABLE feedback_vectors (
    feedback_id TEXT PRIMARY KEY REFERENCES feedback(id) ON DELETE CASCADE,
    workspace_id TEXT NOT NULL,
    product_id TEXT NOT NULL,
    model TEXT NOT NULL,
    vector BLOB NOT NULL,
    computed_at TEXT NOT NULL
);
CREATE INDEX feedback_vectors_product ON feedback_vectors(product_id, model);

-- Global search. Every searchable item has a row in search_docs (its doc
-- number, workspace, kind and id); each kind has an FTS5 index whose rowid
-- is that doc number. Triggers on the source tables keep both in step in
-- the writing transaction, whatever code path writes (API, import, tests).
-- Mirrors migrations/postgres/0008_search.sql, where search_docs holds a
-- tsvector instead; keel_store::repo::search has the queries of both.
--
-- Doc numbers are (workspace number << 40) + a sequence in that workspace,
-- so one workspace's documents are one rowid range of every FTS5 table: a
-- search reads only its own workspace's postings, newest first, and stops.
--
-- A new kind (ideas, goals, docs) adds, in its own migration: an FTS5 table
-- search_fts_<kind>, its three triggers, and the backfill — the same blocks
-- as below.

-- dialect: SQLite only; the number behind each workspace's doc range.
CREATE TABLE search_workspaces (
    num INTEGER PRIMARY KEY,
    workspace_id TEXT NOT NULL UNIQUE REFERENCES workspaces(id) ON DELETE CASCADE
);
INSERT INTO search_workspaces (workspace_id) SELECT id FROM workspaces ORDER BY id;
CREATE TRIGGER search_workspaces_insert AFTER INSERT ON workspaces BEGIN
    INSERT INTO search_workspaces (workspace_id) VALUES (NEW.id);
END;

CREATE TABLE search_docs (
    doc INTEGER PRIMARY KEY,
    workspace_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    item_id TEXT NOT NULL,
    CONSTRAINT search_docs_item UNIQUE (kind, item_id)
);

-- The items that exist already, oldest first in each workspace.
INSERT INTO search_docs (doc, workspace_id, kind, item_id)
SELECT (w.num << 40) + ROW_NUMBER() OVER (PARTITION BY s.workspace_id ORDER BY s.item_id),
       s.workspace_id, s.kind, s.item_id
FROM (
    SELECT workspace_id, 'task' AS kind, id AS item_id FROM tasks
    UNION ALL SELECT workspace_id, 'feature', id FROM features
    UNION ALL SELECT workspace_id, 'feedback', id FROM feedback
    UNION ALL SELECT workspace_id, 'customer', id FROM customers
    UNION ALL SELECT workspace_id, 'company', id FROM companies
    UNION ALL SELECT workspace_id, 'persona', id FROM personas
) s
JOIN search_workspaces w ON w.workspace_id = s.workspace_id;

-- Per kind: the FTS5 table (contentless: the text stays in the source
-- table; unicode61 folds case and diacritics; prefix indexes make 2- and
-- 3-letter prefixes cheap), filled from the existing rows, and the triggers.

-- task: tasks.title and description.
CREATE VIRTUAL TABLE search_fts_task USING fts5(title, body, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 2', prefix='2 3');
INSERT INTO search_fts_task (rowid, title, body)
SELECT d.doc, x.title, x.description FROM tasks x JOIN search_docs d ON d.kind = 'task' AND d.item_id = x.id;
CREATE TRIGGER search_task_insert AFTER INSERT ON tasks BEGIN
    INSERT INTO search_docs (doc, workspace_id, kind, item_id)
    SELECT COALESCE((SELECT MAX(doc) FROM search_docs WHERE doc > (w.num << 40) AND doc < ((w.num + 1) << 40)), w.num << 40) + 1,
           NEW.workspace_id, 'task', NEW.id
    FROM search_workspaces w WHERE w.workspace_id = NEW.workspace_id;
    INSERT INTO search_fts_task (rowid, title, body)
    SELECT doc, NEW.title, NEW.description FROM search_docs WHERE kind = 'task' AND item_id = NEW.id;
END;
CREATE TRIGGER search_task_update AFTER UPDATE OF title, description ON tasks WHEN OLD.title IS NOT NEW.title OR OLD.description IS NOT NEW.description BEGIN
    DELETE FROM search_fts_task WHERE rowid = (SELECT doc FROM search_docs WHERE kind = 'task' AND item_id = OLD.id);
    INSERT INTO search_fts_task (rowid, title, body)
    SELECT doc, NEW.title, NEW.description FROM search_docs WHERE kind = 'task' AND item_id = NEW.id;
END;
CREATE TRIGGER search_task_delete AFTER DELETE ON tasks BEGIN
    DELETE FROM search_fts_task WHERE rowid = (SELECT doc FROM search_docs WHERE kind = 'task' AND item_id = OLD.id);
    DELETE FROM search_docs WHERE kind = 'task' AND item_id = OLD.id;
END;

-- feature: features.title and problem.
CREATE VIRTUAL TABLE search_fts_feature USING fts5(title, body, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 2', prefix='2 3');
INSERT INTO search_fts_feature (rowid, title, body)
SELECT d.doc, x.title, x.problem FROM features x JOIN search_docs d ON d.kind = 'feature' AND d.item_id = x.id;
CREATE TRIGGER search_feature_insert AFTER INSERT ON features BEGIN
    INSERT INTO search_docs (doc, workspace_id, kind, item_id)
    SELECT COALESCE((SELECT MAX(doc) FROM search_docs WHERE doc > (w.num << 40) AND doc < ((w.num + 1) << 40)), w.num << 40) + 1,
           NEW.workspace_id, 'feature', NEW.id
    FROM search_workspaces w WHERE w.workspace_id = NEW.workspace_id;
    INSERT INTO search_fts_feature (rowid, title, body)
    SELECT doc, NEW.title, NEW.problem FROM search_docs WHERE kind = 'feature' AND item_id = NEW.id;
END;
CREATE TRIGGER search_feature_update AFTER UPDATE OF title, problem ON features WHEN OLD.title IS NOT NEW.title OR OLD.problem IS NOT NEW.problem BEGIN
    DELETE FROM search_fts_feature WHERE rowid = (SELECT doc FROM search_docs WHERE kind = 'feature' AND item_id = OLD.id);
    INSERT INTO search_fts_feature (rowid, title, body)
    SELECT doc, NEW.title, NEW.problem FROM search_docs WHERE kind = 'feature' AND item_id = NEW.id;
END;
CREATE TRIGGER search_feature_delete AFTER DELETE ON features BEGIN
    DELETE FROM search_fts_feature WHERE rowid = (SELECT doc FROM search_docs WHERE kind = 'feature' AND item_id = OLD.id);
    DELETE FROM search_docs WHERE kind = 'feature' AND item_id = OLD.id;
END;

-- feedback: feedback.text.
CREATE VIRTUAL TABLE search_fts_feedback USING fts5(title, body, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 2', prefix='2 3');
INSERT INTO search_fts_feedback (rowid, title, body)
SELECT d.doc, '', x.text FROM feedback x JOIN search_docs d ON d.kind = 'feedback' AND d.item_id = x.id;
CREATE TRIGGER search_feedback_insert AFTER INSERT ON feedback BEGIN
    INSERT INTO search_docs (doc, workspace_id, kind, item_id)
    SELECT COALESCE((SELECT MAX(doc) FROM search_docs WHERE doc > (w.num << 40) AND doc < ((w.num + 1) << 40)), w.num << 40) + 1,
           NEW.workspace_id, 'feedback', NEW.id
    FROM search_workspaces w WHERE w.workspace_id = NEW.workspace_id;
    INSERT INTO search_fts_feedback (rowid, title, body)
    SELECT doc, '', NEW.text FROM search_docs WHERE kind = 'feedback' AND item_id = NEW.id;
END;
CREATE TRIGGER search_feedback_update AFTER UPDATE OF text ON feedback WHEN OLD.text IS NOT NEW.text BEGIN
    DELETE FROM search_fts_feedback WHERE rowid = (SELECT doc FROM search_docs WHERE kind = 'feedback' AND item_id = OLD.id);
    INSERT INTO search_fts_feedback (rowid, title, body)
    SELECT doc, '', NEW.text FROM search_docs WHERE kind = 'feedback' AND item_id = NEW.id;
END;
CREATE TRIGGER search_feedback_delete AFTER DELETE ON feedback BEGIN
    DELETE FROM search_fts_feedback WHERE rowid = (SELECT doc FROM search_docs WHERE kind = 'feedback' AND item_id = OLD.id);
    DELETE FROM search_docs WHERE kind = 'feedback' AND item_id = OLD.id;
END;

-- customer: customers.name and email.
CREATE VIRTUAL TABLE search_fts_customer USING fts5(title, body, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 2', prefix='2 3');
INSERT INTO search_fts_customer (rowid, title, body)
SELECT d.doc, x.name, COALESCE(x.email, '') FROM customers x JOIN search_docs d ON d.kind = 'customer' AND d.item_id = x.id;
CREATE TRIGGER search_customer_insert AFTER INSERT ON customers BEGIN
    INSERT INTO search_docs (doc, workspace_id, kind, item_id)
    SELECT COALESCE((SELECT MAX(doc) FROM search_docs WHERE doc > (w.num << 40) AND doc < ((w.num + 1) << 40)), w.num << 40) + 1,
           NEW.workspace_id, 'customer', NEW.id
    FROM search_workspaces w WHERE w.workspace_id = NEW.workspace_id;
    INSERT INTO search_fts_customer (rowid, title, body)
    SELECT doc, NEW.name, COALESCE(NEW.email, '') FROM search_docs WHERE kind = 'customer' AND item_id = NEW.id;
END;
CREATE TRIGGER search_customer_update AFTER UPDATE OF name, email ON customers WHEN OLD.name IS NOT NEW.name OR OLD.email IS NOT NEW.email BEGIN
    DELETE FROM search_fts_customer WHERE rowid = (SELECT doc FROM search_docs WHERE kind = 'customer' AND item_id = OLD.id);
    INSERT INTO search_fts_customer (rowid, title, body)
    SELECT doc, NEW.name, COALESCE(NEW.email, '') FROM search_docs WHERE kind = 'customer' AND item_id = NEW.id;
END;
CREATE TRIGGER search_customer_delete AFTER DELETE ON customers BEGIN
    DELETE FROM search_fts_customer WHERE rowid = (SELECT doc FROM search_docs WHERE kind = 'customer' AND item_id = OLD.id);
    DELETE FROM search_docs WHERE kind = 'customer' AND item_id = OLD.id;
END;

-- company: companies.name.
CREATE VIRTUAL TABLE search_fts_company USING fts5(title, body, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 2', prefix='2 3');
INSERT INTO search_fts_company (rowid, title, body)
SELECT d.doc, x.name, '' FROM companies x JOIN search_docs d ON d.kind = 'company' AND d.item_id = x.id;
CREATE TRIGGER search_company_insert AFTER INSERT ON companies BEGIN
    INSERT INTO search_docs (doc, workspace_id, kind, item_id)
    SELECT COALESCE((SELECT MAX(doc) FROM search_docs WHERE doc > (w.num << 40) AND doc < ((w.num + 1) << 40)), w.num << 40) + 1,
           NEW.workspace_id, 'company', NEW.id
    FROM search_workspaces w WHERE w.workspace_id = NEW.workspace_id;
    INSERT INTO search_fts_company (rowid, title, body)
    SELECT doc, NEW.name, '' FROM search_docs WHERE kind = 'company' AND item_id = NEW.id;
END;
CREATE TRIGGER search_company_update AFTER UPDATE OF name ON companies WHEN OLD.name IS NOT NEW.name BEGIN
    DELETE FROM search_fts_company WHERE rowid = (SELECT doc FROM search_docs WHERE kind = 'company' AND item_id = OLD.id);
    INSERT INTO search_fts_company (rowid, title, body)
    SELECT doc, NEW.name, '' FROM search_docs WHERE kind = 'company' AND item_id = NEW.id;
END;
CREATE TRIGGER search_company_delete AFTER DELETE ON companies BEGIN
    DELETE FROM search_fts_company WHERE rowid = (SELECT doc FROM search_docs WHERE kind = 'company' AND item_id = OLD.id);
    DELETE FROM search_docs WHERE kind = 'company' AND item_id = OLD.id;
END;

-- persona: personas.name and description.
CREATE VIRTUAL TABLE search_fts_persona USING fts5(title, body, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 2', prefix='2 3');
INSERT INTO search_fts_persona (rowid, title, body)
SELECT d.doc, x.name, x.description FROM personas x JOIN search_docs d ON d.kind = 'persona' AND d.item_id = x.id;
CREATE TRIGGER search_persona_insert AFTER INSERT ON personas BEGIN
    INSERT INTO search_docs (doc, workspace_id, kind, item_id)
    SELECT COALESCE((SELECT MAX(doc) FROM search_docs WHERE doc > (w.num << 40) AND doc < ((w.num + 1) << 40)), w.num << 40) + 1,
           NEW.workspace_id, 'persona', NEW.id
    FROM search_workspaces w WHERE w.workspace_id = NEW.workspace_id;
    INSERT INTO search_fts_persona (rowid, title, body)
    SELECT doc, NEW.name, NEW.description FROM search_docs WHERE kind = 'persona' AND item_id = NEW.id;
END;
CREATE TRIGGER search_persona_update AFTER UPDATE OF name, description ON personas WHEN OLD.name IS NOT NEW.name OR OLD.description IS NOT NEW.description BEGIN
    DELETE FROM search_fts_persona WHERE rowid = (SELECT doc FROM search_docs WHERE kind = 'persona' AND item_id = OLD.id);
    INSERT INTO search_fts_persona (rowid, title, body)
    SELECT doc, NEW.name, NEW.description FROM search_docs WHERE kind = 'persona' AND item_id = NEW.id;
END;
CREATE TRIGGER search_persona_delete AFTER DELETE ON personas BEGIN
    DELETE FROM search_fts_persona WHERE rowid = (SELECT doc FROM search_docs WHERE kind = 'persona' AND item_id = OLD.id);
    DELETE FROM search_docs WHERE kind = 'persona' AND item_id = OLD.id;
END;

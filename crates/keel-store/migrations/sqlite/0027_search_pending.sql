-- Search index changes wait for their commit. Until now the search triggers
-- wrote to the FTS5 tables at once. FTS5 writes its pending words out as a
-- new segment whenever SQLite opens a savepoint (each write of a group
-- commit is in one, and so is every statement that may need undoing on its
-- own), so a group of 50 creates left 50 tiny segments and the merging
-- that follows: 12-15 % of the server's CPU under concurrent creates.
--
-- Now the triggers append to search_pending instead (insert: the document's
-- text; delete: only its number), and every write transaction applies the
-- queue just before it commits (keel_store::search_pending), in a few
-- statements per kind, so a whole group adds one segment per kind. The
-- queue is empty outside a writing transaction; readers never see it.
-- PostgreSQL keeps its tsvector triggers (migrations/postgres/0027 says so).

-- dialect: SQLite only; the changes of the writing transaction, in order.
CREATE TABLE search_pending (
    seq INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    op TEXT NOT NULL CHECK (op IN ('insert', 'delete')),
    doc INTEGER NOT NULL,
    title TEXT,
    body TEXT
);

-- The triggers of 0008, 0012 and 0025, writing to the queue.

DROP TRIGGER search_task_insert;
CREATE TRIGGER search_task_insert AFTER INSERT ON tasks BEGIN
    INSERT INTO search_docs (doc, workspace_id, kind, item_id)
    SELECT COALESCE((SELECT MAX(doc) FROM search_docs WHERE doc > (w.num << 40) AND doc < ((w.num + 1) << 40)), w.num << 40) + 1,
           NEW.workspace_id, 'task', NEW.id
    FROM search_workspaces w WHERE w.workspace_id = NEW.workspace_id;
    INSERT INTO search_pending (kind, op, doc, title, body)
    SELECT 'task', 'insert', doc, NEW.title, NEW.description FROM search_docs WHERE kind = 'task' AND item_id = NEW.id;
END;

DROP TRIGGER search_task_update;
CREATE TRIGGER search_task_update AFTER UPDATE OF title, description ON tasks WHEN OLD.title IS NOT NEW.title OR OLD.description IS NOT NEW.description BEGIN
    INSERT INTO search_pending (kind, op, doc)
    SELECT 'task', 'delete', doc FROM search_docs WHERE kind = 'task' AND item_id = OLD.id;
    INSERT INTO search_pending (kind, op, doc, title, body)
    SELECT 'task', 'insert', doc, NEW.title, NEW.description FROM search_docs WHERE kind = 'task' AND item_id = NEW.id;
END;

DROP TRIGGER search_task_delete;
CREATE TRIGGER search_task_delete AFTER DELETE ON tasks BEGIN
    INSERT INTO search_pending (kind, op, doc)
    SELECT 'task', 'delete', doc FROM search_docs WHERE kind = 'task' AND item_id = OLD.id;
    DELETE FROM search_docs WHERE kind = 'task' AND item_id = OLD.id;
END;

DROP TRIGGER search_feature_insert;
CREATE TRIGGER search_feature_insert AFTER INSERT ON features BEGIN
    INSERT INTO search_docs (doc, workspace_id, kind, item_id)
    SELECT COALESCE((SELECT MAX(doc) FROM search_docs WHERE doc > (w.num << 40) AND doc < ((w.num + 1) << 40)), w.num << 40) + 1,
           NEW.workspace_id, 'feature', NEW.id
    FROM search_workspaces w WHERE w.workspace_id = NEW.workspace_id;
    INSERT INTO search_pending (kind, op, doc, title, body)
    SELECT 'feature', 'insert', doc, NEW.title, NEW.problem FROM search_docs WHERE kind = 'feature' AND item_id = NEW.id;
END;

DROP TRIGGER search_feature_update;
CREATE TRIGGER search_feature_update AFTER UPDATE OF title, problem ON features WHEN OLD.title IS NOT NEW.title OR OLD.problem IS NOT NEW.problem BEGIN
    INSERT INTO search_pending (kind, op, doc)
    SELECT 'feature', 'delete', doc FROM search_docs WHERE kind = 'feature' AND item_id = OLD.id;
    INSERT INTO search_pending (kind, op, doc, title, body)
    SELECT 'feature', 'insert', doc, NEW.title, NEW.problem FROM search_docs WHERE kind = 'feature' AND item_id = NEW.id;
END;

DROP TRIGGER search_feature_delete;
CREATE TRIGGER search_feature_delete AFTER DELETE ON features BEGIN
    INSERT INTO search_pending (kind, op, doc)
    SELECT 'feature', 'delete', doc FROM search_docs WHERE kind = 'feature' AND item_id = OLD.id;
    DELETE FROM search_docs WHERE kind = 'feature' AND item_id = OLD.id;
END;

DROP TRIGGER search_feedback_insert;
CREATE TRIGGER search_feedback_insert AFTER INSERT ON feedback BEGIN
    INSERT INTO search_docs (doc, workspace_id, kind, item_id)
    SELECT COALESCE((SELECT MAX(doc) FROM search_docs WHERE doc > (w.num << 40) AND doc < ((w.num + 1) << 40)), w.num << 40) + 1,
           NEW.workspace_id, 'feedback', NEW.id
    FROM search_workspaces w WHERE w.workspace_id = NEW.workspace_id;
    INSERT INTO search_pending (kind, op, doc, title, body)
    SELECT 'feedback', 'insert', doc, '', NEW.text FROM search_docs WHERE kind = 'feedback' AND item_id = NEW.id;
END;

DROP TRIGGER search_feedback_update;
CREATE TRIGGER search_feedback_update AFTER UPDATE OF text ON feedback WHEN OLD.text IS NOT NEW.text BEGIN
    INSERT INTO search_pending (kind, op, doc)
    SELECT 'feedback', 'delete', doc FROM search_docs WHERE kind = 'feedback' AND item_id = OLD.id;
    INSERT INTO search_pending (kind, op, doc, title, body)
    SELECT 'feedback', 'insert', doc, '', NEW.text FROM search_docs WHERE kind = 'feedback' AND item_id = NEW.id;
END;

DROP TRIGGER search_feedback_delete;
CREATE TRIGGER search_feedback_delete AFTER DELETE ON feedback BEGIN
    INSERT INTO search_pending (kind, op, doc)
    SELECT 'feedback', 'delete', doc FROM search_docs WHERE kind = 'feedback' AND item_id = OLD.id;
    DELETE FROM search_docs WHERE kind = 'feedback' AND item_id = OLD.id;
END;

DROP TRIGGER search_customer_insert;
CREATE TRIGGER search_customer_insert AFTER INSERT ON customers BEGIN
    INSERT INTO search_docs (doc, workspace_id, kind, item_id)
    SELECT COALESCE((SELECT MAX(doc) FROM search_docs WHERE doc > (w.num << 40) AND doc < ((w.num + 1) << 40)), w.num << 40) + 1,
           NEW.workspace_id, 'customer', NEW.id
    FROM search_workspaces w WHERE w.workspace_id = NEW.workspace_id;
    INSERT INTO search_pending (kind, op, doc, title, body)
    SELECT 'customer', 'insert', doc, NEW.name, COALESCE(NEW.email, '') FROM search_docs WHERE kind = 'customer' AND item_id = NEW.id;
END;

DROP TRIGGER search_customer_update;
CREATE TRIGGER search_customer_update AFTER UPDATE OF name, email ON customers WHEN OLD.name IS NOT NEW.name OR OLD.email IS NOT NEW.email BEGIN
    INSERT INTO search_pending (kind, op, doc)
    SELECT 'customer', 'delete', doc FROM search_docs WHERE kind = 'customer' AND item_id = OLD.id;
    INSERT INTO search_pending (kind, op, doc, title, body)
    SELECT 'customer', 'insert', doc, NEW.name, COALESCE(NEW.email, '') FROM search_docs WHERE kind = 'customer' AND item_id = NEW.id;
END;

DROP TRIGGER search_customer_delete;
CREATE TRIGGER search_customer_delete AFTER DELETE ON customers BEGIN
    INSERT INTO search_pending (kind, op, doc)
    SELECT 'customer', 'delete', doc FROM search_docs WHERE kind = 'customer' AND item_id = OLD.id;
    DELETE FROM search_docs WHERE kind = 'customer' AND item_id = OLD.id;
END;

DROP TRIGGER search_company_insert;
CREATE TRIGGER search_company_insert AFTER INSERT ON companies BEGIN
    INSERT INTO search_docs (doc, workspace_id, kind, item_id)
    SELECT COALESCE((SELECT MAX(doc) FROM search_docs WHERE doc > (w.num << 40) AND doc < ((w.num + 1) << 40)), w.num << 40) + 1,
           NEW.workspace_id, 'company', NEW.id
    FROM search_workspaces w WHERE w.workspace_id = NEW.workspace_id;
    INSERT INTO search_pending (kind, op, doc, title, body)
    SELECT 'company', 'insert', doc, NEW.name, '' FROM search_docs WHERE kind = 'company' AND item_id = NEW.id;
END;

DROP TRIGGER search_company_update;
CREATE TRIGGER search_company_update AFTER UPDATE OF name ON companies WHEN OLD.name IS NOT NEW.name BEGIN
    INSERT INTO search_pending (kind, op, doc)
    SELECT 'company', 'delete', doc FROM search_docs WHERE kind = 'company' AND item_id = OLD.id;
    INSERT INTO search_pending (kind, op, doc, title, body)
    SELECT 'company', 'insert', doc, NEW.name, '' FROM search_docs WHERE kind = 'company' AND item_id = NEW.id;
END;

DROP TRIGGER search_company_delete;
CREATE TRIGGER search_company_delete AFTER DELETE ON companies BEGIN
    INSERT INTO search_pending (kind, op, doc)
    SELECT 'company', 'delete', doc FROM search_docs WHERE kind = 'company' AND item_id = OLD.id;
    DELETE FROM search_docs WHERE kind = 'company' AND item_id = OLD.id;
END;

DROP TRIGGER search_persona_insert;
CREATE TRIGGER search_persona_insert AFTER INSERT ON personas BEGIN
    INSERT INTO search_docs (doc, workspace_id, kind, item_id)
    SELECT COALESCE((SELECT MAX(doc) FROM search_docs WHERE doc > (w.num << 40) AND doc < ((w.num + 1) << 40)), w.num << 40) + 1,
           NEW.workspace_id, 'persona', NEW.id
    FROM search_workspaces w WHERE w.workspace_id = NEW.workspace_id;
    INSERT INTO search_pending (kind, op, doc, title, body)
    SELECT 'persona', 'insert', doc, NEW.name, NEW.description FROM search_docs WHERE kind = 'persona' AND item_id = NEW.id;
END;

DROP TRIGGER search_persona_update;
CREATE TRIGGER search_persona_update AFTER UPDATE OF name, description ON personas WHEN OLD.name IS NOT NEW.name OR OLD.description IS NOT NEW.description BEGIN
    INSERT INTO search_pending (kind, op, doc)
    SELECT 'persona', 'delete', doc FROM search_docs WHERE kind = 'persona' AND item_id = OLD.id;
    INSERT INTO search_pending (kind, op, doc, title, body)
    SELECT 'persona', 'insert', doc, NEW.name, NEW.description FROM search_docs WHERE kind = 'persona' AND item_id = NEW.id;
END;

DROP TRIGGER search_persona_delete;
CREATE TRIGGER search_persona_delete AFTER DELETE ON personas BEGIN
    INSERT INTO search_pending (kind, op, doc)
    SELECT 'persona', 'delete', doc FROM search_docs WHERE kind = 'persona' AND item_id = OLD.id;
    DELETE FROM search_docs WHERE kind = 'persona' AND item_id = OLD.id;
END;

DROP TRIGGER search_idea_insert;
CREATE TRIGGER search_idea_insert AFTER INSERT ON ideas BEGIN
    INSERT INTO search_docs (doc, workspace_id, kind, item_id)
    SELECT COALESCE((SELECT MAX(doc) FROM search_docs WHERE doc > (w.num << 40) AND doc < ((w.num + 1) << 40)), w.num << 40) + 1,
           NEW.workspace_id, 'idea', NEW.id
    FROM search_workspaces w WHERE w.workspace_id = NEW.workspace_id;
    INSERT INTO search_pending (kind, op, doc, title, body)
    SELECT 'idea', 'insert', doc, NEW.title, NEW.description FROM search_docs WHERE kind = 'idea' AND item_id = NEW.id;
END;

DROP TRIGGER search_idea_update;
CREATE TRIGGER search_idea_update AFTER UPDATE OF title, description ON ideas WHEN OLD.title IS NOT NEW.title OR OLD.description IS NOT NEW.description BEGIN
    INSERT INTO search_pending (kind, op, doc)
    SELECT 'idea', 'delete', doc FROM search_docs WHERE kind = 'idea' AND item_id = OLD.id;
    INSERT INTO search_pending (kind, op, doc, title, body)
    SELECT 'idea', 'insert', doc, NEW.title, NEW.description FROM search_docs WHERE kind = 'idea' AND item_id = NEW.id;
END;

DROP TRIGGER search_idea_delete;
CREATE TRIGGER search_idea_delete AFTER DELETE ON ideas BEGIN
    INSERT INTO search_pending (kind, op, doc)
    SELECT 'idea', 'delete', doc FROM search_docs WHERE kind = 'idea' AND item_id = OLD.id;
    DELETE FROM search_docs WHERE kind = 'idea' AND item_id = OLD.id;
END;

DROP TRIGGER search_goal_insert;
CREATE TRIGGER search_goal_insert AFTER INSERT ON goals BEGIN
    INSERT INTO search_docs (doc, workspace_id, kind, item_id)
    SELECT COALESCE((SELECT MAX(doc) FROM search_docs WHERE doc > (w.num << 40) AND doc < ((w.num + 1) << 40)), w.num << 40) + 1,
           NEW.workspace_id, 'goal', NEW.id
    FROM search_workspaces w WHERE w.workspace_id = NEW.workspace_id;
    INSERT INTO search_pending (kind, op, doc, title, body)
    SELECT 'goal', 'insert', doc, NEW.title, NEW.metric FROM search_docs WHERE kind = 'goal' AND item_id = NEW.id;
END;

DROP TRIGGER search_goal_update;
CREATE TRIGGER search_goal_update AFTER UPDATE OF title, metric ON goals WHEN OLD.title IS NOT NEW.title OR OLD.metric IS NOT NEW.metric BEGIN
    INSERT INTO search_pending (kind, op, doc)
    SELECT 'goal', 'delete', doc FROM search_docs WHERE kind = 'goal' AND item_id = OLD.id;
    INSERT INTO search_pending (kind, op, doc, title, body)
    SELECT 'goal', 'insert', doc, NEW.title, NEW.metric FROM search_docs WHERE kind = 'goal' AND item_id = NEW.id;
END;

DROP TRIGGER search_goal_delete;
CREATE TRIGGER search_goal_delete AFTER DELETE ON goals BEGIN
    INSERT INTO search_pending (kind, op, doc)
    SELECT 'goal', 'delete', doc FROM search_docs WHERE kind = 'goal' AND item_id = OLD.id;
    DELETE FROM search_docs WHERE kind = 'goal' AND item_id = OLD.id;
END;

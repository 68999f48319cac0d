-- goal: goals in global search (see 0008_search.sql and
-- 0012_ideas_and_portal.sql): an objective or key result by its title,
-- with its metric as the body (goals have no description of their own).
-- Mirrors migrations/postgres/0025_goal_search_and_work.sql.

-- The goals that exist already, after each workspace's last document.
INSERT INTO search_docs (doc, workspace_id, kind, item_id)
SELECT COALESCE((SELECT MAX(doc) FROM search_docs WHERE doc > (w.num << 40) AND doc < ((w.num + 1) << 40)), w.num << 40)
       + ROW_NUMBER() OVER (PARTITION BY g.workspace_id ORDER BY g.id),
       g.workspace_id, 'goal', g.id
FROM goals g JOIN search_workspaces w ON w.workspace_id = g.workspace_id;

CREATE VIRTUAL TABLE search_fts_goal USING fts5(title, body, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 2', prefix='2 3');
INSERT INTO search_fts_goal (rowid, title, body)
SELECT d.doc, x.title, x.metric FROM goals x JOIN search_docs d ON d.kind = 'goal' AND d.item_id = x.id;
CREATE TRIGGER search_goal_insert AFTER INSERT ON goals BEGIN
    INSERT INTO search_docs (doc, workspace_id, kind, item_id)
    SELECT COALESCE((SELECT MAX(doc) FROM search_docs WHERE doc > (w.num << 40) AND doc < ((w.num + 1) << 40)), w.num << 40) + 1,
           NEW.workspace_id, 'goal', NEW.id
    FROM search_workspaces w WHERE w.workspace_id = NEW.workspace_id;
    INSERT INTO search_fts_goal (rowid, title, body)
    SELECT doc, NEW.title, NEW.metric FROM search_docs WHERE kind = 'goal' AND item_id = NEW.id;
END;
CREATE TRIGGER search_goal_update AFTER UPDATE OF title, metric ON goals WHEN OLD.title IS NOT NEW.title OR OLD.metric IS NOT NEW.metric BEGIN
    DELETE FROM search_fts_goal WHERE rowid = (SELECT doc FROM search_docs WHERE kind = 'goal' AND item_id = OLD.id);
    INSERT INTO search_fts_goal (rowid, title, body)
    SELECT doc, NEW.title, NEW.metric FROM search_docs WHERE kind = 'goal' AND item_id = NEW.id;
END;
CREATE TRIGGER search_goal_delete AFTER DELETE ON goals BEGIN
    DELETE FROM search_fts_goal WHERE rowid = (SELECT doc FROM search_docs WHERE kind = 'goal' AND item_id = OLD.id);
    DELETE FROM search_docs WHERE kind = 'goal' AND item_id = OLD.id;
END;

-- A goal's page lists the tasks of the features that move it.
CREATE INDEX tasks_feature ON tasks(workspace_id, feature_id);

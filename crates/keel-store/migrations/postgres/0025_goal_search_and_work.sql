-- goal: goals in global search (see 0008_search.sql, 0011_search_words_per_kind.sql
-- and 0012_ideas_and_portal.sql): an objective or key result by its title,
-- with its metric as the body (goals have no description of their own).
-- Mirrors migrations/sqlite/0025_goal_search_and_work.sql.

-- The goals that exist already, oldest first.
INSERT INTO search_docs (workspace_id, kind, item_id, document)
SELECT workspace_id, 'goal', id, search_document(title, metric) FROM goals ORDER BY id;

CREATE TRIGGER search_insert_delete AFTER INSERT OR DELETE ON goals
    FOR EACH ROW EXECUTE FUNCTION search_index('goal', 'title', 'metric');
CREATE TRIGGER search_update AFTER UPDATE OF title, metric ON goals
    FOR EACH ROW WHEN (OLD.title IS DISTINCT FROM NEW.title OR OLD.metric IS DISTINCT FROM NEW.metric)
    EXECUTE FUNCTION search_index('goal', 'title', 'metric');
-- dialect: PostgreSQL only.
CREATE INDEX search_docs_words_goal ON search_docs USING gin (document) WHERE kind = 'goal';

-- A goal's page lists the tasks of the features that move it.
CREATE INDEX tasks_feature ON tasks(workspace_id, feature_id);

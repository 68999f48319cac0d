-- Global search. Every searchable item has a row in search_docs with its
-- words as a tsvector (title weight A, body weight B), found through a GIN
-- index and read newest first through (workspace_id, kind, doc). One
-- trigger function keeps it in step in the writing transaction, whatever
-- code path writes (API, import, tests).
-- Mirrors migrations/sqlite/0008_search.sql, where each kind has an FTS5
-- table instead; keel_store::repo::search has the queries of both.
--
-- A new kind (ideas, goals, docs) adds, in its own migration, its two
-- triggers and the backfill — the same lines as below.

-- Words are compared without case or diacritics: the unaccent dictionary
-- (contrib, a trusted extension since PostgreSQL 13) in front of simple (no
-- stemming and no stop words, as SQLite's unicode61 tokenizer).
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE TEXT SEARCH CONFIGURATION keel_search (COPY = simple);
ALTER TEXT SEARCH CONFIGURATION keel_search ALTER MAPPING FOR word, hword, hword_part WITH unaccent, simple;

CREATE TABLE search_docs (
    doc BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    item_id TEXT NOT NULL,
    document TSVECTOR NOT NULL,
    CONSTRAINT search_docs_item UNIQUE (kind, item_id)
);
-- dialect: PostgreSQL only; a kind's newest documents (SQLite: rowid ranges).
CREATE INDEX search_docs_recent ON search_docs (workspace_id, kind, doc);
-- dialect: PostgreSQL only; the word index (SQLite: the FTS5 tables).
CREATE INDEX search_docs_words ON search_docs USING gin (document);

-- The words of a title and a body. Punctuation becomes a space first, so
-- words are runs of letters and digits as in SQLite and in the query
-- (the default parser would otherwise keep `ada@example.com` or `v2.1` whole).
CREATE FUNCTION search_document(title TEXT, body TEXT) RETURNS TSVECTOR
LANGUAGE sql STABLE AS $$
    SELECT setweight(to_tsvector('keel_search', regexp_replace(title, '[[:punct:]«»‹›“”„‘’…–—•·]+', ' ', 'g')), 'A')
        || setweight(to_tsvector('keel_search', regexp_replace(body, '[[:punct:]«»‹›“”„‘’…–—•·]+', ' ', 'g')), 'B')
$$;

-- The trigger function of every source table:
-- search_index(kind, title column, body column); a column name that is not
-- in the row (e.g. '') stands for no text.
CREATE FUNCTION search_index() RETURNS TRIGGER
LANGUAGE plpgsql AS $$
DECLARE
    item JSONB;
    words TSVECTOR;
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM search_docs WHERE kind = TG_ARGV[0] AND item_id = OLD.id;
        RETURN OLD;
    END IF;
    item := to_jsonb(NEW);
    words := search_document(COALESCE(item ->> TG_ARGV[1], ''), COALESCE(item ->> TG_ARGV[2], ''));
    IF TG_OP = 'INSERT' THEN
        INSERT INTO search_docs (workspace_id, kind, item_id, document)
        VALUES (NEW.workspace_id, TG_ARGV[0], NEW.id, words);
    ELSE
        UPDATE search_docs SET document = words WHERE kind = TG_ARGV[0] AND item_id = NEW.id;
    END IF;
    RETURN NEW;
END
$$;

-- The items that exist already, oldest first.
INSERT INTO search_docs (workspace_id, kind, item_id, document)
SELECT workspace_id, kind, item_id, search_document(title, body) FROM (
    SELECT workspace_id, 'task' AS kind, id AS item_id, title, description AS body FROM tasks
    UNION ALL SELECT workspace_id, 'feature', id, title, problem FROM features
    UNION ALL SELECT workspace_id, 'feedback', id, '', text FROM feedback
    UNION ALL SELECT workspace_id, 'customer', id, name, COALESCE(email, '') FROM customers
    UNION ALL SELECT workspace_id, 'company', id, name, '' FROM companies
    UNION ALL SELECT workspace_id, 'persona', id, name, description FROM personas
) s
ORDER BY item_id;

-- Per kind: the triggers (kind, title column, body column).

CREATE TRIGGER search_insert_delete AFTER INSERT OR DELETE ON tasks
    FOR EACH ROW EXECUTE FUNCTION search_index('task', 'title', 'description');
CREATE TRIGGER search_update AFTER UPDATE OF title, description ON tasks
    FOR EACH ROW WHEN (OLD.title IS DISTINCT FROM NEW.title OR OLD.description IS DISTINCT FROM NEW.description)
    EXECUTE FUNCTION search_index('task', 'title', 'description');

CREATE TRIGGER search_insert_delete AFTER INSERT OR DELETE ON features
    FOR EACH ROW EXECUTE FUNCTION search_index('feature', 'title', 'problem');
CREATE TRIGGER search_update AFTER UPDATE OF title, problem ON features
    FOR EACH ROW WHEN (OLD.title IS DISTINCT FROM NEW.title OR OLD.problem IS DISTINCT FROM NEW.problem)
    EXECUTE FUNCTION search_index('feature', 'title', 'problem');

CREATE TRIGGER search_insert_delete AFTER INSERT OR DELETE ON feedback
    FOR EACH ROW EXECUTE FUNCTION search_index('feedback', '', 'text');
CREATE TRIGGER search_update AFTER UPDATE OF text ON feedback
    FOR EACH ROW WHEN (OLD.text IS DISTINCT FROM NEW.text)
    EXECUTE FUNCTION search_index('feedback', '', 'text');

CREATE TRIGGER search_insert_delete AFTER INSERT OR DELETE ON customers
    FOR EACH ROW EXECUTE FUNCTION search_index('customer', 'name', 'email');
CREATE TRIGGER search_update AFTER UPDATE OF name, email ON customers
    FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.email IS DISTINCT FROM NEW.email)
    EXECUTE FUNCTION search_index('customer', 'name', 'email');

CREATE TRIGGER search_insert_delete AFTER INSERT OR DELETE ON companies
    FOR EACH ROW EXECUTE FUNCTION search_index('company', 'name', '');
CREATE TRIGGER search_update AFTER UPDATE OF name ON companies
    FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name)
    EXECUTE FUNCTION search_index('company', 'name', '');

CREATE TRIGGER search_insert_delete AFTER INSERT OR DELETE ON personas
    FOR EACH ROW EXECUTE FUNCTION search_index('persona', 'name', 'description');
CREATE TRIGGER search_update AFTER UPDATE OF name, description ON personas
    FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.description IS DISTINCT FROM NEW.description)
    EXECUTE FUNCTION search_index('persona', 'name', 'description');

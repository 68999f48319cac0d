-- Search: one GIN index of words per kind instead of one for all kinds
-- (0008). A GIN bitmap scan reads every posting the word has in the index,
-- and the planner underestimates that cost: with one index, a search for
-- a common word among a few thousand tasks read the word's postings in a
-- million feedback items (~20 ms per kind at 1,000,000 items). A partial
-- index per kind holds only that kind's postings, as SQLite's FTS5 table
-- per kind does. A new kind adds its own index like these.
-- Mirrors migrations/sqlite/0011_search_words_per_kind.sql (nothing to do).

-- dialect: PostgreSQL only.
CREATE INDEX search_docs_words_task ON search_docs USING gin (document) WHERE kind = 'task';
-- dialect: PostgreSQL only.
CREATE INDEX search_docs_words_feature ON search_docs USING gin (document) WHERE kind = 'feature';
-- dialect: PostgreSQL only.
CREATE INDEX search_docs_words_feedback ON search_docs USING gin (document) WHERE kind = 'feedback';
-- dialect: PostgreSQL only.
CREATE INDEX search_docs_words_customer ON search_docs USING gin (document) WHERE kind = 'customer';
-- dialect: PostgreSQL only.
CREATE INDEX search_docs_words_company ON search_docs USING gin (document) WHERE kind = 'company';
-- dialect: PostgreSQL only.
CREATE INDEX search_docs_words_persona ON search_docs USING gin (document) WHERE kind = 'persona';
DROP INDEX search_docs_words;

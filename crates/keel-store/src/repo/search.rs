//! Global search across tasks, features, feedback, customers, companies,
//! personas, ideas and goals: one box, ranked, in the database that holds the data.
//!
//! # Engine
//!
//! Each backend's own full-text search (SQLite FTS5, PostgreSQL
//! `tsvector`/GIN), not a separate engine. The index lives in the database,
//! so it commits with the change that produced it (triggers in migration
//! `0008_search`, whatever code path writes; on SQLite they queue the
//! change and the commit applies it, see `crate::search_pending`), it is
//! backed up with the data, and every instance of a multi-instance
//! deployment sees the same index at once with nothing else to run, feed
//! or keep consistent.
//!
//! # Shape
//!
//! `search_docs` has one row per searchable item: its `doc` number,
//! workspace, kind and id. SQLite indexes the words in one contentless FTS5
//! table per kind (`search_fts_<kind>`, rowid = `doc`); PostgreSQL keeps a
//! `tsvector` in `search_docs` (title weight A, body weight B) with a GIN
//! index. The text itself stays in the source tables and is read only for
//! the hits shown.
//!
//! # Query
//!
//! One statement (dialect SQL for the matching, side by side below; the
//! rest portable):
//!
//! 1. **Candidates**: per kind, the [`CANDIDATES_PER_KIND`] newest
//!    documents of the workspace that contain every word, and as many of
//!    the newest whose *title* contains every word (so a strong old title
//!    match is not crowded out by newer mentions in bodies). Both are
//!    index walks newest first that stop early, so their cost does not grow
//!    with how many items contain a word. On SQLite a workspace's docs are
//!    one rowid range (`(workspace number << 40) + sequence`): FTS5 reads
//!    only that workspace's postings. On PostgreSQL the planner picks the
//!    kind's GIN index (one partial index per kind, so a kind's search reads
//!    only that kind's postings) for rare words and `(workspace_id, kind,
//!    doc)` for common ones, per query.
//! 2. **Show**: title, body and task key of the candidates, joined from the
//!    source tables.
//!
//! The candidates are then scored by `SearchQuery::score` (BM25-style term
//! frequency per field, title ten times body), the same on both backends,
//! and the best `limit` returned. SQLite's `bm25()` was not used: it counts
//! every posting of each word to weigh it, which costs ~15-60 ms for a
//! word in a third of a million items.
//!
//! Query text never reaches either database as syntax: words are runs of
//! letters and digits (`keel_domain::search`), each quoted as a literal.
//!
//! # Adding a kind
//!
//! Docs plug in as ideas and goals did (`0012_ideas_and_portal.sql`,
//! `0025_goal_search_and_work.sql`): a
//! migration adds their FTS5 table and triggers (SQLite; the triggers write
//! to `search_pending`, as in `0027_search_pending.sql`), and their triggers
//! and partial GIN index (PostgreSQL), as in `0008_search.sql` and
//! `0011_search_words_per_kind.sql`;
//! then one entry in [`INDEXED`] (which is also how the queue finds the
//! kind's table) and one `LEFT JOIN` in [`SHOW`].

use crate::{Backend, Db, StoreResult};
use keel_domain::search::{SearchKind, SearchQuery};

/// How many of a kind's newest matching documents are ranked (and as many
/// of its newest title matches).
pub const CANDIDATES_PER_KIND: i64 = 200;

/// The kinds that have an index: their SQLite FTS5 table, and whether
/// their documents have a title (feedback has none).
const INDEXED: &[(SearchKind, &str, bool)] = &[
    (SearchKind::Task, "search_fts_task", true),
    (SearchKind::Feature, "search_fts_feature", true),
    (SearchKind::Feedback, "search_fts_feedback", false),
    (SearchKind::Customer, "search_fts_customer", true),
    (SearchKind::Company, "search_fts_company", true),
    (SearchKind::Persona, "search_fts_persona", true),
    (SearchKind::Idea, "search_fts_idea", true),
    (SearchKind::Goal, "search_fts_goal", true),
];

/// The kind named `name` and its FTS5 table, if it has one.
pub(crate) fn fts_table(name: &str) -> Option<(&'static str, &'static str)> {
    INDEXED
        .iter()
        .find(|(kind, _, _)| kind.as_str() == name)
        .map(|(kind, table, _)| (kind.as_str(), *table))
}

/// One hit, with the text to show it from.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub kind: SearchKind,
    pub id: String,
    /// The task key (`KEEL-42`), for tasks.
    pub key: Option<String>,
    /// Title, or name for customers, companies and personas; empty for
    /// feedback, which has none.
    pub title: String,
    /// The text the snippet comes from: description, problem, the feedback
    /// text, the customer's email.
    pub body: String,
    /// Higher is better; comparable within one search only.
    pub score: f64,
}

/// The FTS5 query: every word as a quoted string (`""` doubles a quote),
/// all required; the last one as a prefix when the query says so. With
/// `title_only`, every word must be in the title column.
pub fn fts5_query(query: &SearchQuery, title_only: bool) -> String {
    let n = query.words().len();
    let words = query
        .words()
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let quoted = format!("\"{}\"", w.replace('"', "\"\""));
            if i + 1 == n && query.prefix_last() {
                format!("{quoted}*")
            } else {
                quoted
            }
        })
        .collect::<Vec<_>>()
        .join(" AND ");
    if title_only {
        format!("title : ({words})")
    } else {
        words
    }
}

/// The `to_tsquery` text: every word as a quoted lexeme (`''` doubles a
/// quote, `\\` a backslash), all required (`&`); the last one as a prefix
/// (`:*`) when the query says so. With `title_only`, every word must carry
/// the title's weight (`:A`).
pub fn tsquery(query: &SearchQuery, title_only: bool) -> String {
    let n = query.words().len();
    let weight = if title_only { "A" } else { "" };
    query
        .words()
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let quoted = format!("'{}'", w.replace('\\', "\\\\").replace('\'', "''"));
            if i + 1 == n && query.prefix_last() {
                format!("{quoted}:*{weight}")
            } else if title_only {
                format!("{quoted}:{weight}")
            } else {
                quoted
            }
        })
        .collect::<Vec<_>>()
        .join(" & ")
}

/// The candidate docs of `kinds` (see the module docs): `$1` the match
/// text, `$2` the same for titles only, `$3` the workspace id.
fn candidates_sql(backend: Backend, kinds: &[(SearchKind, &str, bool)]) -> String {
    let mut parts = Vec::new();
    for (kind, fts_table, has_title) in kinds {
        let matches: &[&str] = if *has_title { &["$1", "$2"] } else { &["$1"] };
        for m in matches {
            parts.push(match backend {
                // The workspace's rowid range of the kind's FTS5 table,
                // newest first.
                Backend::Sqlite => format!(
                    "SELECT rowid FROM (SELECT rowid FROM {fts_table} WHERE {fts_table} MATCH {m} \
                     AND rowid > (SELECT num FROM search_workspaces WHERE workspace_id = $3) << 40 \
                     AND rowid < ((SELECT num FROM search_workspaces WHERE workspace_id = $3) + 1) << 40 \
                     ORDER BY rowid DESC LIMIT {CANDIDATES_PER_KIND})"
                ),
                Backend::Postgres => format!(
                    "(SELECT doc FROM search_docs WHERE workspace_id = $3 AND kind = '{kind}' \
                     AND document @@ to_tsquery('keel_search', {m}) \
                     ORDER BY doc DESC LIMIT {CANDIDATES_PER_KIND})",
                    kind = kind.as_str()
                ),
            });
        }
    }
    parts.join(" UNION ")
}

/// What a hit shows, for the docs in `candidates` (portable SQL): `(doc,
/// kind, id, task key, title, body)`.
const SHOW: &str = "SELECT d.doc, d.kind, d.item_id, \
    CASE WHEN d.kind = 'task' THEN p.key || '-' || CAST(t.number AS TEXT) END, \
    COALESCE(t.title, f.title, cu.name, co.name, pe.name, i.title, g.title, ''), \
    COALESCE(t.description, f.problem, fb.text, cu.email, pe.description, i.description, g.metric, '') \
    FROM candidates c JOIN search_docs d ON d.doc = c.doc \
    LEFT JOIN tasks t ON d.kind = 'task' AND t.id = d.item_id \
    LEFT JOIN products p ON p.id = t.product_id \
    LEFT JOIN features f ON d.kind = 'feature' AND f.id = d.item_id \
    LEFT JOIN feedback fb ON d.kind = 'feedback' AND fb.id = d.item_id \
    LEFT JOIN customers cu ON d.kind = 'customer' AND cu.id = d.item_id \
    LEFT JOIN companies co ON d.kind = 'company' AND co.id = d.item_id \
    LEFT JOIN personas pe ON d.kind = 'persona' AND pe.id = d.item_id \
    LEFT JOIN ideas i ON d.kind = 'idea' AND i.id = d.item_id \
    LEFT JOIN goals g ON d.kind = 'goal' AND g.id = d.item_id";

type ShowRow = (i64, String, String, Option<String>, String, String);

/// The best `limit` hits of `kinds` in the workspace, best first (newest
/// first on equal scores). Kinds without an index yet (docs)
/// find nothing.
pub async fn search(
    db: Db<'_>,
    workspace_id: &str,
    query: &SearchQuery,
    kinds: &[SearchKind],
    limit: usize,
) -> StoreResult<Vec<Hit>> {
    let indexed: Vec<(SearchKind, &str, bool)> = INDEXED
        .iter()
        .filter(|(k, _, _)| kinds.contains(k))
        .copied()
        .collect();
    if query.is_empty() || indexed.is_empty() || limit == 0 {
        return Ok(Vec::new());
    }
    let backend = db.backend();
    let (text, title_text) = match backend {
        Backend::Sqlite => (fts5_query(query, false), fts5_query(query, true)),
        Backend::Postgres => (tsquery(query, false), tsquery(query, true)),
    };
    // The candidates first, on their own (MATERIALIZED): joined as a
    // subquery, PostgreSQL estimated them at a thousand rows and
    // hash-joined the million documents to the source tables first.
    let sql = format!(
        "WITH candidates (doc) AS MATERIALIZED ({}) {SHOW} WHERE d.workspace_id = $3",
        candidates_sql(backend, &indexed)
    );
    // Planned for these words every time (`persistent(false)`): a plan
    // cached for unknown words would walk the same index for rare and
    // common words alike.
    let rows: Vec<ShowRow> = on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(&text)
        .bind(&title_text)
        .bind(workspace_id)
        .persistent(false)
        .fetch_all(c)
        .await)?;
    let mut hits: Vec<(i64, Hit)> = rows
        .into_iter()
        .filter_map(|(doc, kind, id, key, title, body)| {
            let score = query.score(&title, &body);
            Some((
                doc,
                Hit {
                    kind: SearchKind::parse("kind", &kind).ok()?,
                    id,
                    key,
                    title,
                    body,
                    score,
                },
            ))
        })
        .collect();
    hits.sort_by(|(doc_a, a), (doc_b, b)| b.score.total_cmp(&a.score).then(doc_b.cmp(doc_a)));
    hits.truncate(limit);
    Ok(hits.into_iter().map(|(_, h)| h).collect())
}

/// The size of the search index: documents, and bytes on disk per table
/// or index (SQLite: `search_docs`, its indexes and the FTS5 shadow tables;
/// PostgreSQL: `search_docs` with its `tsvector`s, and its indexes).
#[derive(Debug, Clone, PartialEq)]
pub struct IndexSize {
    pub documents: i64,
    pub parts: Vec<(String, i64)>,
    /// The whole database, for comparison.
    pub database_bytes: i64,
}

/// Measures the index (reads every page of it on SQLite: for tools and
/// benchmarks, not requests).
pub async fn index_size(mut db: Db<'_>) -> StoreResult<IndexSize> {
    let (documents,): (i64,) = on_db!(db.re(), c => sqlx::query_as("SELECT COUNT(*) FROM search_docs")
        .fetch_one(c)
        .await)?;
    let (parts_sql, database_sql) = match db.backend() {
        Backend::Sqlite => (
            "SELECT name, CAST(SUM(pgsize) AS INTEGER) FROM dbstat \
             WHERE name LIKE '%search%' GROUP BY name ORDER BY name",
            "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()",
        ),
        Backend::Postgres => (
            "SELECT CAST(relname AS TEXT), \
             CASE WHEN relkind = 'r' THEN pg_table_size(oid) ELSE pg_relation_size(oid) END \
             FROM pg_class WHERE relname LIKE 'search_docs%' AND relkind IN ('r', 'i') \
             AND relnamespace = CAST(current_schema() AS REGNAMESPACE) ORDER BY relname",
            "SELECT pg_database_size(current_database())",
        ),
    };
    let parts: Vec<(String, i64)> =
        on_db!(db.re(), c => sqlx::query_as(parts_sql).fetch_all(c).await)?;
    let (database_bytes,): (i64,) =
        on_db!(db, c => sqlx::query_as(database_sql).fetch_one(c).await)?;
    Ok(IndexSize {
        documents,
        parts,
        database_bytes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(s: &str) -> SearchQuery {
        SearchQuery::parse("q", s).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn queries_quote_every_word() {
        assert_eq!(
            fts5_query(&q("Export CSV"), false),
            "\"export\" AND \"csv\"*"
        );
        assert_eq!(fts5_query(&q("export "), false), "\"export\"");
        assert_eq!(
            fts5_query(&q("Export CSV"), true),
            "title : (\"export\" AND \"csv\"*)"
        );
        assert_eq!(tsquery(&q("Export CSV"), false), "'export' & 'csv':*");
        assert_eq!(tsquery(&q("Export CSV"), true), "'export':A & 'csv':*A");
        assert_eq!(tsquery(&q("export "), true), "'export':A");
        assert_eq!(
            tsquery(&q("a\" OR 'b' NOT"), false),
            "'a' & 'or' & 'b' & 'not':*"
        );
    }
}

//! Global search across tasks, features, feedback, customers, companies and
//! personas: one box, ranked, in the database that holds the data.
//!
//! # Engine
//!
//! Each backend's own full-text search (SQLite FTS5, PostgreSQL
//! `tsvector`/GIN), not a separate engine. The index lives in the database,
//! so it commits with the change that produced it (triggers in migration
//! `0008_search`, whatever code path writes), it is backed up with the data,
//! and every instance of a multi-instance deployment sees the same index
//! at once with nothing else to run, feed or keep consistent.
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
//! 1. **Rank** (dialect SQL, side by side below): per kind, the
//!    [`CANDIDATES_PER_KIND`] newest documents of the workspace that contain
//!    every word, scored by `bm25` (title weight 10, body 1) on SQLite and
//!    `ts_rank` (title 1, body 0.1) on PostgreSQL; then the best `limit` of
//!    all kinds. Capping the candidates keeps a search over a million items
//!    bounded when a word is in a large share of them: the newest matches
//!    are the ones ranked. On SQLite a workspace's docs are one rowid range
//!    (`(workspace number << 40) + sequence`), so FTS5 reads only that
//!    workspace's postings, newest first, and stops.
//! 2. **Show** (portable SQL, written once): title, body and task key of the
//!    hits, joined from the source tables.
//!
//! Query text never reaches either database as syntax: words are runs of
//! letters and digits (`keel_domain::search`), each quoted as a literal.
//!
//! # Adding a kind
//!
//! Ideas, goals and docs plug in with a migration that adds their FTS5
//! table and triggers (SQLite) and their triggers (PostgreSQL), as in
//! `0008_search.sql`, then one entry in [`INDEXED`] and one `LEFT JOIN` in
//! [`SHOW`].

use crate::{Backend, Db, StoreResult};
use keel_domain::search::{SearchKind, SearchQuery};

/// How many of a kind's newest matching documents are ranked.
pub const CANDIDATES_PER_KIND: i64 = 500;

/// The kinds that have an index, with their SQLite FTS5 table.
const INDEXED: &[(SearchKind, &str)] = &[
    (SearchKind::Task, "search_fts_task"),
    (SearchKind::Feature, "search_fts_feature"),
    (SearchKind::Feedback, "search_fts_feedback"),
    (SearchKind::Customer, "search_fts_customer"),
    (SearchKind::Company, "search_fts_company"),
    (SearchKind::Persona, "search_fts_persona"),
];

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
/// all required; the last one as a prefix when the query says so.
pub fn fts5_query(query: &SearchQuery) -> String {
    let n = query.words().len();
    query
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
        .join(" AND ")
}

/// The `to_tsquery` text: every word as a quoted lexeme (`''` doubles a
/// quote, `\\` a backslash), all required (`&`); the last one as a prefix
/// (`:*`) when the query says so.
pub fn tsquery(query: &SearchQuery) -> String {
    let n = query.words().len();
    query
        .words()
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let quoted = format!("'{}'", w.replace('\\', "\\\\").replace('\'', "''"));
            if i + 1 == n && query.prefix_last() {
                format!("{quoted}:*")
            } else {
                quoted
            }
        })
        .collect::<Vec<_>>()
        .join(" & ")
}

/// The ranking query for `kinds`: `$1` the match text, `$2` the workspace
/// id, `$3` the limit; answers `(doc, score)` best first.
fn ranking_sql(backend: Backend, kinds: &[(SearchKind, &str)]) -> String {
    let per_kind: Vec<String> = kinds
        .iter()
        .map(|(kind, fts_table)| match backend {
            // The workspace's rowid range of the kind's FTS5 table, newest
            // first; bm25 is lower-is-better, so negated.
            Backend::Sqlite => format!(
                "SELECT * FROM (SELECT rowid AS doc, -bm25({fts_table}, 10.0, 1.0) AS score \
                 FROM {fts_table} WHERE {fts_table} MATCH $1 \
                 AND rowid > (SELECT num FROM search_workspaces WHERE workspace_id = $2) << 40 \
                 AND rowid < ((SELECT num FROM search_workspaces WHERE workspace_id = $2) + 1) << 40 \
                 ORDER BY rowid DESC LIMIT {CANDIDATES_PER_KIND})"
            ),
            // The kind's newest matching rows (GIN for rare words, the
            // (workspace_id, kind, doc) index for common ones: the planner
            // chooses per query), ranked after the cut.
            Backend::Postgres => format!(
                "SELECT * FROM (SELECT c.doc, \
                 CAST(ts_rank(CAST('{{0, 0, 0.1, 1}}' AS FLOAT4[]), c.document, to_tsquery('keel_search', $1)) AS FLOAT8) AS score \
                 FROM (SELECT doc, document FROM search_docs \
                 WHERE workspace_id = $2 AND kind = '{kind}' AND document @@ to_tsquery('keel_search', $1) \
                 ORDER BY doc DESC LIMIT {CANDIDATES_PER_KIND}) c) k_{kind}",
                kind = kind.as_str()
            ),
        })
        .collect();
    format!(
        "SELECT doc, score FROM ({}) ranked ORDER BY score DESC, doc DESC LIMIT $3",
        per_kind.join(" UNION ALL ")
    )
}

/// What a hit shows, for a list of docs (portable SQL): `(doc, kind, id,
/// task key, title, body)`.
const SHOW: &str = "SELECT d.doc, d.kind, d.item_id, \
    CASE WHEN d.kind = 'task' THEN p.key || '-' || CAST(t.number AS TEXT) END, \
    COALESCE(t.title, f.title, cu.name, co.name, pe.name, ''), \
    COALESCE(t.description, f.problem, fb.text, cu.email, pe.description, '') \
    FROM search_docs d \
    LEFT JOIN tasks t ON d.kind = 'task' AND t.id = d.item_id \
    LEFT JOIN products p ON p.id = t.product_id \
    LEFT JOIN features f ON d.kind = 'feature' AND f.id = d.item_id \
    LEFT JOIN feedback fb ON d.kind = 'feedback' AND fb.id = d.item_id \
    LEFT JOIN customers cu ON d.kind = 'customer' AND cu.id = d.item_id \
    LEFT JOIN companies co ON d.kind = 'company' AND co.id = d.item_id \
    LEFT JOIN personas pe ON d.kind = 'persona' AND pe.id = d.item_id";

type ShowRow = (i64, String, String, Option<String>, String, String);

/// The best `limit` hits of `kinds` in the workspace, best first. Kinds
/// without an index yet (ideas, goals, docs) find nothing.
pub async fn search(
    mut db: Db<'_>,
    workspace_id: &str,
    query: &SearchQuery,
    kinds: &[SearchKind],
    limit: i64,
) -> StoreResult<Vec<Hit>> {
    let indexed: Vec<(SearchKind, &str)> = INDEXED
        .iter()
        .filter(|(k, _)| kinds.contains(k))
        .copied()
        .collect();
    if query.is_empty() || indexed.is_empty() || limit < 1 {
        return Ok(Vec::new());
    }
    let backend = db.backend();
    let text = match backend {
        Backend::Sqlite => fts5_query(query),
        Backend::Postgres => tsquery(query),
    };
    let sql = ranking_sql(backend, &indexed);
    // Planned for these words every time (`persistent(false)`): a plan
    // cached for unknown words would pick one index for rare and common
    // words alike.
    let ranked: Vec<(i64, f64)> = on_db!(db.re(), c => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(&text)
        .bind(workspace_id)
        .bind(limit)
        .persistent(false)
        .fetch_all(c)
        .await)?;
    if ranked.is_empty() {
        return Ok(Vec::new());
    }
    let placeholders: Vec<String> = (0..ranked.len()).map(|i| format!("${}", i + 2)).collect();
    let sql = format!(
        "{SHOW} WHERE d.workspace_id = $1 AND d.doc IN ({})",
        placeholders.join(", ")
    );
    let rows: Vec<ShowRow> = on_db!(db, c => {
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(workspace_id);
        for (doc, _) in &ranked {
            q = q.bind(*doc);
        }
        q.fetch_all(c).await
    })?;
    Ok(ranked
        .iter()
        .filter_map(|(doc, score)| {
            let (_, kind, id, key, title, body) = rows.iter().find(|r| r.0 == *doc)?;
            Some(Hit {
                kind: SearchKind::parse("kind", kind).ok()?,
                id: id.clone(),
                key: key.clone(),
                title: title.clone(),
                body: body.clone(),
                score: *score,
            })
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(s: &str) -> SearchQuery {
        SearchQuery::parse("q", s).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn queries_quote_every_word() {
        assert_eq!(fts5_query(&q("Export CSV")), "\"export\" AND \"csv\"*");
        assert_eq!(fts5_query(&q("export ")), "\"export\"");
        assert_eq!(tsquery(&q("Export CSV")), "'export' & 'csv':*");
        assert_eq!(tsquery(&q("a\" OR 'b' NOT")), "'a' & 'or' & 'b' & 'not':*");
    }
}

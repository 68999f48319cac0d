//! The full workspace export: every row of a workspace as one JSON
//! document, and its import into another instance (or the same one, under
//! an id it does not have yet), keeping every id.
//!
//! The code is generic over tables: [`TABLES`] lists the workspace's tables
//! in insert order (parents before children) and how to find the
//! workspace's rows in each; columns are read from the database's own
//! schema, so a column added by a migration is exported and imported with
//! no change here. A table added by a migration must be added to
//! [`TABLES`] or to [`NOT_EXPORTED`] with the reason — a test fails until
//! it is ([`unlisted_tables`]).
//!
//! Values are JSON as stored: integers, floats, text and null (booleans are
//! `0`/`1` on SQLite and `true`/`false` on PostgreSQL; the import accepts
//! either, so a document moves between the two). Timestamps are text on
//! both.

mod document;
mod import;
mod rows;
mod schema;

pub use document::{FORMAT, VERSION, export_workspace};
pub use import::{ImportError, Imported, import_workspace};
pub use schema::{schema_level, unlisted_tables};

/// How a table's rows of one workspace are found.
#[derive(Debug, Clone, Copy)]
pub enum Scope {
    /// `WHERE workspace_id = $1`.
    Workspace,
    /// Through the parent the `column` names (`parent.id`), which has a
    /// `workspace_id`.
    Parent {
        column: &'static str,
        parent: &'static str,
    },
}

/// One exported table.
#[derive(Debug, Clone, Copy)]
pub struct Table {
    pub name: &'static str,
    pub scope: Scope,
    /// The primary key's columns: rows are sorted by them, so two exports
    /// of the same data are the same document.
    pub key: &'static [&'static str],
    /// A column naming another row of the same table (a sub-task's
    /// parent): the import inserts the row it names first.
    pub self_ref: Option<&'static str>,
}

const fn ws(name: &'static str) -> Table {
    Table {
        name,
        scope: Scope::Workspace,
        key: &["id"],
        self_ref: None,
    }
}

const fn ws_key(name: &'static str, key: &'static [&'static str]) -> Table {
    Table {
        name,
        scope: Scope::Workspace,
        key,
        self_ref: None,
    }
}

const fn tree(name: &'static str, self_ref: &'static str) -> Table {
    Table {
        name,
        scope: Scope::Workspace,
        key: &["id"],
        self_ref: Some(self_ref),
    }
}

const fn child(
    name: &'static str,
    column: &'static str,
    parent: &'static str,
    key: &'static [&'static str],
) -> Table {
    Table {
        name,
        scope: Scope::Parent { column, parent },
        key,
        self_ref: None,
    }
}

/// The workspace's tables, parents before children (the import inserts in
/// this order, so every foreign key finds its row). The workspace row
/// itself and its people are separate parts of the document.
pub const TABLES: &[Table] = &[
    ws("products"),
    ws("teams"),
    ws_key("memberships", &["workspace_id", "user_id"]),
    ws("personas"),
    ws("companies"),
    ws("customers"),
    ws("features"),
    ws("stories"),
    tree("tasks", "parent_id"),
    ws_key("task_labels", &["task_id", "label"]),
    ws("comments"),
    ws("activity"),
    ws_key("events", &["workspace_id", "seq"]),
    ws("notifications"),
    ws("saved_views"),
    ws("my_day_items"),
    ws("cycles"),
    child("cycle_tasks", "cycle_id", "cycles", &["id"]),
    tree("feedback", "duplicate_of"),
    ws_key("feedback_tags", &["feedback_id", "tag"]),
    ws("feedback_links"),
    ws("competitors"),
    ws("competitor_features"),
    ws("swot_items"),
    ws("market_trends"),
    ws("journey_maps"),
    child("journey_stages", "map_id", "journey_maps", &["id"]),
    child("journey_cells", "map_id", "journey_maps", &["id"]),
    ws("journey_opportunity_links"),
    ws("ideas"),
    ws_key("idea_votes", &["idea_id", "voter"]),
    ws("idea_links"),
    ws("interview_guides"),
    ws("interviews"),
    child("interview_answers", "interview_id", "interviews", &["id"]),
    tree("goals", "parent_id"),
    ws("goal_checkins"),
    ws("feature_score_history"),
    ws_key("feature_goals", &["feature_id", "goal_id"]),
    ws_key("feature_dependencies", &["feature_id", "depends_on_id"]),
    ws("initiatives"),
    ws_key("initiative_goals", &["initiative_id", "goal_id"]),
    ws_key("initiative_features", &["initiative_id", "feature_id"]),
    ws("decisions"),
    child(
        "decision_informed",
        "decision_id",
        "decisions",
        &["decision_id", "position"],
    ),
    ws_key("decision_links", &["decision_id", "kind", "item_id"]),
    ws("releases"),
    ws_key("release_features", &["release_id", "feature_id"]),
    ws_key("release_tasks", &["release_id", "task_id"]),
    ws("roadmaps"),
    ws("roadmap_items"),
    ws("strategy_versions"),
];

/// Tables deliberately left out of the export, with the reason.
pub const NOT_EXPORTED: &[(&str, &str)] = &[
    (
        "users",
        "people are the document's `users` part: id, email and name only, never password hashes",
    ),
    (
        "workspaces",
        "the workspace row is the document's `workspace` part",
    ),
    (
        "api_tokens",
        "secrets of one instance; people sign in again",
    ),
    ("sessions", "secrets of one instance; people sign in again"),
    (
        "roadmap_share_links",
        "hashes of secret links; share the roadmap again after an import",
    ),
    (
        "feedback_vectors",
        "derived: the similarity job recomputes every missing vector",
    ),
    (
        "search_docs",
        "derived: the search triggers rebuild it as rows are inserted",
    ),
    (
        "search_pending",
        "the search changes of a write in progress, empty once it commits",
    ),
    (
        "search_workspaces",
        "derived (SQLite): a trigger numbers each inserted workspace",
    ),
    (
        "audit_events",
        "the instance's security record stays where the events happened (an import is recorded there as a new event)",
    ),
    (
        "keel_migrations",
        "the instance's schema history, not workspace data",
    ),
];

/// Name prefixes of tables left out: SQLite's FTS5 search indexes and
/// their shadow tables, derived from the rows by triggers.
pub const NOT_EXPORTED_PREFIXES: &[(&str, &str)] = &[(
    "search_fts_",
    "derived: full-text indexes filled by the search triggers",
)];

/// The table spec named `name`.
pub fn table(name: &str) -> Option<&'static Table> {
    TABLES.iter().find(|t| t.name == name)
}

/// Whether `name` is left out on purpose.
pub fn is_excluded(name: &str) -> bool {
    NOT_EXPORTED.iter().any(|(n, _)| *n == name)
        || NOT_EXPORTED_PREFIXES
            .iter()
            .any(|(p, _)| name.starts_with(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_table_is_both_exported_and_excluded() {
        for t in TABLES {
            assert!(!is_excluded(t.name), "{}", t.name);
            assert_eq!(
                TABLES.iter().filter(|o| o.name == t.name).count(),
                1,
                "{} listed twice",
                t.name
            );
        }
    }

    #[test]
    fn parents_come_before_their_children() {
        for (i, t) in TABLES.iter().enumerate() {
            if let Scope::Parent { parent, .. } = t.scope {
                let p = TABLES.iter().position(|o| o.name == parent);
                assert!(p.is_some_and(|p| p < i), "{} before {parent}", t.name);
            }
        }
    }

    /// Every table the migrations create is exported or excluded with a
    /// reason (the same check runs on live databases in
    /// keel-server/tests/export_import.rs, through [`unlisted_tables`]).
    #[test]
    fn every_migrated_table_is_listed() {
        for (_, name, sqlite, pg) in crate::MIGRATIONS {
            for sql in [sqlite, pg] {
                for line in sql.lines() {
                    let Some(rest) = line
                        .strip_prefix("CREATE TABLE ")
                        .or_else(|| line.strip_prefix("CREATE VIRTUAL TABLE "))
                    else {
                        continue;
                    };
                    let rest = rest.trim_start_matches("IF NOT EXISTS ");
                    let table: String = rest
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                        .collect();
                    assert!(
                        listed(&table),
                        "migration {name} creates table {table}: add it to export::TABLES \
                         (with how to find a workspace's rows) or to export::NOT_EXPORTED \
                         (with why it is left out)"
                    );
                }
            }
        }
    }

    fn listed(name: &str) -> bool {
        table(name).is_some() || is_excluded(name)
    }
}

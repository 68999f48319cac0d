//! Writing the export document.
//!
//! ```json
//! {"format": "keel-workspace-export", "version": 1, "exported_at": "…",
//!  "schema_level": 23, "workspace": {…the workspaces row…},
//!  "users": [{"id", "email", "name"}],
//!  "tables": {"products": [{column: value, …}, …], …}}
//! ```
//!
//! Rows are sorted by primary key and columns by name, so exporting the
//! same data twice gives the same document.

use super::rows::{JsonRow, ToJson};
use super::schema::{schema_level, user_columns};
use super::{Scope, TABLES, Table};
use crate::{Backend, Db, Store, StoreError, StoreResult};
use serde_json::{Map, Value, json};
use std::collections::BTreeSet;

/// The document's `format`.
pub const FORMAT: &str = "keel-workspace-export";
/// The document's `version` (of this layout, not of the schema).
pub const VERSION: i64 = 1;

/// Runs `sql` with `$1` = `bind` and reads every row as JSON.
pub(crate) async fn fetch_json(db: Db<'_>, sql: &str, bind: &str) -> StoreResult<Vec<JsonRow>> {
    on_db!(db, c => {
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql.to_string())).bind(bind).fetch_all(c).await?;
        rows.iter().map(ToJson::to_json).collect::<StoreResult<Vec<_>>>()
    })
}

/// The statement selecting `t`'s rows of workspace `$1`.
pub(crate) fn select_sql(t: &Table) -> String {
    match t.scope {
        Scope::Workspace => format!("SELECT * FROM {} WHERE workspace_id = $1", t.name),
        Scope::Parent { column, parent } => format!(
            "SELECT x.* FROM {} x JOIN {parent} p ON p.id = x.{column} WHERE p.workspace_id = $1",
            t.name
        ),
    }
}

/// The sort key of a row: its primary key's values.
fn sort_key(t: &Table, row: &JsonRow) -> Vec<String> {
    t.key
        .iter()
        .map(|k| match row.get(*k) {
            Some(Value::String(s)) => s.clone(),
            // Numbers sort by value: zero-padded, sign aside (keys are
            // never negative).
            Some(Value::Number(n)) => format!("{:020}", n.as_i64().unwrap_or_default()),
            Some(other) => other.to_string(),
            None => String::new(),
        })
        .collect()
}

/// Every row of workspace `workspace_id` as one document, read in one
/// transaction so its parts agree. `None` when there is no such workspace.
pub async fn export_workspace(
    store: &Store,
    workspace_id: &str,
    exported_at: &str,
) -> StoreResult<Option<Value>> {
    let mut tx = store.begin().await?;
    if store.backend() == Backend::Postgres {
        // One snapshot for every statement (must come first).
        on_db!(tx.db(), c => sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            .execute(c).await.map(|r| r.rows_affected()))?;
    }
    let mut found = fetch_json(
        tx.db(),
        "SELECT * FROM workspaces WHERE id = $1",
        workspace_id,
    )
    .await?;
    let Some(workspace) = found.pop() else {
        return Ok(None);
    };
    let level = schema_level(tx.db()).await?;
    let mut tables = Map::new();
    let mut people: BTreeSet<String> = BTreeSet::new();
    for t in TABLES {
        let mut rows = fetch_json(tx.db(), &select_sql(t), workspace_id).await?;
        rows.sort_by_cached_key(|r| sort_key(t, r));
        for col in user_columns(tx.db(), t.name).await? {
            people.extend(
                rows.iter()
                    .filter_map(|r| r.get(&col).and_then(Value::as_str).map(str::to_string)),
            );
        }
        tables.insert(
            t.name.to_string(),
            Value::Array(rows.into_iter().map(Value::Object).collect()),
        );
    }
    // People by id, with what identifies them across instances; never
    // their password hash or tokens.
    let mut users = Vec::with_capacity(people.len());
    for id in &people {
        let row: Option<(String, String, String)> = on_db!(tx.db(), c => sqlx::query_as(
            "SELECT id, email, name FROM users WHERE id = $1"
        ).bind(id).fetch_optional(c).await)?;
        let (id, email, name) =
            row.ok_or_else(|| StoreError::Other(format!("user {id} is referenced but missing")))?;
        users.push(json!({"id": id, "email": email, "name": name}));
    }
    tx.commit().await?;
    Ok(Some(json!({
        "format": FORMAT,
        "version": VERSION,
        "exported_at": exported_at,
        "schema_level": level,
        "workspace": Value::Object(workspace),
        "users": users,
        "tables": Value::Object(tables),
    })))
}

//! Reading an export document back in: all or nothing, in one
//! transaction, keeping every id so every reference stays valid.
//!
//! The whole document is checked against this instance's schema before
//! anything is written: its schema level, every table and column name, the
//! kind of every value, and that every row belongs to the exported
//! workspace (its `workspace_id`, and every foreign key to another of the
//! workspace's tables naming a row of the document), and the values clients
//! read back strictly, as the API checks them (`RULES`). A required value
//! left out or a broken CHECK is refused naming the row too, not as a
//! server error. People are matched by email: an existing account is reused
//! (its id replaces the exported one wherever it appears), anyone else gets
//! an account with no password, which they cannot sign in to until an
//! admin sets one. The search index follows by itself: its triggers index
//! each row as it is inserted.

use super::document::{FORMAT, VERSION};
use super::rows::Bind;
use super::schema::{Kind, columns, foreign_keys, schema_level};
use super::{Scope, TABLES, Table, table};
use crate::{Db, Store, StoreError, Tx};
use keel_domain::market::web_url;
use keel_domain::task::{Priority, Status, TaskType};
use keel_domain::time::Date;
use keel_domain::{FieldError, Role, values};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashMap, HashSet};

/// Why an import was refused. Nothing was written.
#[derive(Debug)]
pub enum ImportError {
    /// The document is wrong at `field` (e.g. `tables.tasks[3].colour`).
    Invalid {
        field: String,
        message: String,
    },
    /// The workspace (its id or its slug) is on this instance already.
    Exists {
        field: String,
        message: String,
    },
    Store(StoreError),
}

impl From<StoreError> for ImportError {
    fn from(e: StoreError) -> Self {
        ImportError::Store(e)
    }
}

impl From<sqlx::Error> for ImportError {
    fn from(e: sqlx::Error) -> Self {
        ImportError::Store(e.into())
    }
}

fn invalid(field: impl Into<String>, message: impl Into<String>) -> ImportError {
    ImportError::Invalid {
        field: field.into(),
        message: message.into(),
    }
}

/// What an import created.
#[derive(Debug, Clone)]
pub struct Imported {
    pub workspace_id: String,
    pub slug: String,
    /// Rows written, the workspace's own included.
    pub rows: usize,
    /// Accounts created (people the instance did not know by email).
    pub users_created: usize,
}

/// One row ready to insert.
struct Insert {
    table: &'static str,
    /// Where the row is in the document (`tables.tasks[3]`), for errors.
    at: String,
    columns: Vec<String>,
    values: Vec<Bind>,
}

/// A document's person.
struct Person {
    id: String,
    email: String,
    name: String,
}

/// Imports `doc` as a new workspace; `importer_id` becomes its owner
/// unless the document already makes them a member.
pub async fn import_workspace(
    store: &Store,
    doc: &Value,
    importer_id: &str,
    now: &str,
) -> Result<Imported, ImportError> {
    let mut tx = store.begin().await?;
    let doc = doc
        .as_object()
        .ok_or_else(|| invalid("document", "must be a JSON object"))?;
    if doc.get("format").and_then(Value::as_str) != Some(FORMAT) {
        return Err(invalid("format", format!("must be \"{FORMAT}\"")));
    }
    if doc.get("version").and_then(Value::as_i64) != Some(VERSION) {
        return Err(invalid("version", format!("must be {VERSION}")));
    }
    let level = schema_level(tx.db()).await?;
    match doc.get("schema_level").and_then(Value::as_i64) {
        Some(l) if l == level => {}
        Some(l) => {
            return Err(invalid(
                "schema_level",
                format!(
                    "the document is at schema level {l} and this instance at {level}: \
                     import into an instance of the same Keel version"
                ),
            ));
        }
        None => return Err(invalid("schema_level", "must be a whole number")),
    }
    let workspace = doc
        .get("workspace")
        .and_then(Value::as_object)
        .ok_or_else(|| invalid("workspace", "must be an object"))?;
    let ws_id = required_text(workspace, "id", "workspace.id")?;
    let slug = required_text(workspace, "slug", "workspace.slug")?;
    let people = people(doc.get("users"))?;

    // Check everything before writing anything.
    let ws_insert = prepare(tx.db(), "workspaces", "workspace", workspace).await?;
    let tables = doc
        .get("tables")
        .and_then(Value::as_object)
        .ok_or_else(|| invalid("tables", "must be an object of table name → rows"))?;
    for name in tables.keys() {
        if table(name).is_none() {
            return Err(invalid(
                format!("tables.{name}"),
                "is not a table a workspace export has",
            ));
        }
    }
    // The ids of each table's rows in the document: what its rows may
    // point to.
    let mut ids_of: HashMap<&str, HashSet<&str>> = HashMap::new();
    for t in TABLES {
        let Some(rows) = tables.get(t.name) else {
            continue;
        };
        let rows = rows
            .as_array()
            .ok_or_else(|| invalid(format!("tables.{}", t.name), "must be an array of rows"))?;
        ids_of.insert(
            t.name,
            rows.iter()
                .filter_map(|r| r.get("id").and_then(Value::as_str))
                .collect(),
        );
    }
    let mut inserts: Vec<Insert> = Vec::new();
    for t in TABLES {
        let Some(rows) = tables.get(t.name).and_then(Value::as_array) else {
            continue;
        };
        let kinds: BTreeMap<String, Kind> = columns(tx.db(), t.name).await?.into_iter().collect();
        // References to the workspace's other rows must stay inside the
        // document: a row may not point into another workspace.
        let inside: Vec<(String, String)> = foreign_keys(tx.db(), t.name)
            .await?
            .into_iter()
            .filter(|(_, target)| table(target).is_some())
            .collect();
        let mut prepared = Vec::with_capacity(rows.len());
        for (i, row) in rows.iter().enumerate() {
            let at = format!("tables.{}[{i}]", t.name);
            let row = row
                .as_object()
                .ok_or_else(|| invalid(&at, "must be an object of column → value"))?;
            check_scope(t, row, &at, &ws_id, &ids_of)?;
            check_rules(t.name, row, &at)?;
            for (column, target) in &inside {
                if let Some(Value::String(id)) = row.get(column)
                    && !ids_of
                        .get(target.as_str())
                        .is_some_and(|ids| ids.contains(id.as_str()))
                {
                    return Err(invalid(
                        format!("{at}.{column}"),
                        format!("must name a row of tables.{target} in this document"),
                    ));
                }
            }
            prepared.push(bind_row(t.name, &kinds, row, &at)?);
        }
        inserts.extend(in_tree_order(t, rows, prepared));
    }

    // The workspace must be new here.
    for (field, column, value) in [
        ("workspace.id", "id", &ws_id),
        ("workspace.slug", "slug", &slug),
    ] {
        let sql = format!("SELECT 1 FROM workspaces WHERE {column} = $1");
        let hit: Option<(i32,)> = on_db!(tx.db(), c => sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(value).fetch_optional(c).await)?;
        if hit.is_some() {
            return Err(ImportError::Exists {
                field: field.to_string(),
                message: format!("a workspace with {column} {value} exists on this instance"),
            });
        }
    }

    let (renamed, users_created) = match_people(&mut tx, &people, now).await?;
    let mut rows = 0;
    for mut insert in std::iter::once(ws_insert).chain(inserts) {
        if !renamed.is_empty() {
            rename_people(&mut insert.values, &renamed);
        }
        write(&mut tx, &insert).await?;
        rows += 1;
    }
    ensure_owner(&mut tx, &ws_id, importer_id, now).await?;
    // Recorded in the import's own transaction: an import that lands is
    // always in the audit log, and one whose record fails does not land.
    crate::repo::audit::record(
        &mut tx,
        &crate::repo::audit::NewEvent {
            workspace_id: Some(&ws_id),
            actor_id: Some(importer_id),
            action: crate::repo::audit::action::IMPORT,
            target: &slug,
            ip: None,
            detail: Some(serde_json::json!({
                "rows": rows,
                "users_created": users_created,
            })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Imported {
        workspace_id: ws_id,
        slug,
        rows,
        users_created,
    })
}

fn required_text(obj: &Map<String, Value>, key: &str, field: &str) -> Result<String, ImportError> {
    match obj.get(key).and_then(Value::as_str) {
        Some(s) if !s.trim().is_empty() => Ok(s.to_string()),
        _ => Err(invalid(field, "must be a non-empty string")),
    }
}

fn people(users: Option<&Value>) -> Result<Vec<Person>, ImportError> {
    let Some(users) = users else {
        return Ok(Vec::new());
    };
    let users = users
        .as_array()
        .ok_or_else(|| invalid("users", "must be an array"))?;
    users
        .iter()
        .enumerate()
        .map(|(i, u)| {
            let at = format!("users[{i}]");
            let u = u
                .as_object()
                .ok_or_else(|| invalid(&at, "must be an object"))?;
            if let Some(extra) = u
                .keys()
                .find(|k| !["id", "email", "name"].contains(&k.as_str()))
            {
                return Err(invalid(
                    format!("{at}.{extra}"),
                    "is not imported: people have an id, an email and a name",
                ));
            }
            let email = required_text(u, "email", &format!("{at}.email"))?;
            if !email.contains('@') || email.contains('\0') {
                return Err(invalid(format!("{at}.email"), "must be an email address"));
            }
            Ok(Person {
                id: required_text(u, "id", &format!("{at}.id"))?,
                email: email.trim().to_lowercase(),
                name: u
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string(),
            })
        })
        .collect()
}

/// Checks the row belongs to the exported workspace: its `workspace_id`,
/// or its parent among the document's rows.
fn check_scope(
    t: &Table,
    row: &Map<String, Value>,
    at: &str,
    ws_id: &str,
    ids_of: &HashMap<&str, HashSet<&str>>,
) -> Result<(), ImportError> {
    match t.scope {
        Scope::Workspace => {
            if row.get("workspace_id").and_then(Value::as_str) != Some(ws_id) {
                return Err(invalid(
                    format!("{at}.workspace_id"),
                    "must be the id of the exported workspace",
                ));
            }
        }
        Scope::Parent { column, parent } => {
            let id = row.get(column).and_then(Value::as_str);
            if !id.is_some_and(|id| ids_of.get(parent).is_some_and(|s| s.contains(id))) {
                return Err(invalid(
                    format!("{at}.{column}"),
                    format!("must name a row of tables.{parent} in this document"),
                ));
            }
        }
    }
    Ok(())
}

/// A check the API makes on a column that the schema cannot.
type Rule = fn(&str, &Value) -> Result<(), FieldError>;

/// Runs `check` on a text value; other values are left to the schema.
fn text<T>(v: &Value, check: impl FnOnce(&str) -> Result<T, FieldError>) -> Result<(), FieldError> {
    v.as_str().map_or(Ok(()), |s| check(s).map(drop))
}

/// Columns whose values clients read back strictly (a task with an
/// unknown status cannot be edited; a `javascript:` website would be a
/// link on the market page), checked as the API checks them on create.
const RULES: &[(&str, &str, Rule)] = &[
    ("tasks", "title", |f, v| text(v, |s| values::line(f, s))),
    ("tasks", "status", |f, v| text(v, |s| Status::parse(f, s))),
    ("tasks", "priority", |f, v| {
        text(v, |s| Priority::parse(f, s))
    }),
    ("tasks", "task_type", |f, v| {
        text(v, |s| TaskType::parse(f, s))
    }),
    ("tasks", "due_date", |f, v| text(v, |s| Date::parse(f, s))),
    ("tasks", "estimate", |f, v| {
        v.as_f64()
            .map_or(Ok(()), |e| values::estimate(f, e).map(drop))
    }),
    ("memberships", "role", |f, v| text(v, |s| Role::parse(f, s))),
    ("competitors", "website", |f, v| text(v, |s| web_url(f, s))),
    ("market_trends", "source_url", |f, v| {
        text(v, |s| web_url(f, s))
    }),
];

/// Checks the row's values against [`RULES`].
fn check_rules(table: &str, row: &Map<String, Value>, at: &str) -> Result<(), ImportError> {
    for (_, column, rule) in RULES.iter().filter(|(t, _, _)| *t == table) {
        if let Some(value) = row.get(*column) {
            let field = format!("{at}.{column}");
            rule(&field, value).map_err(|e| invalid(e.field, e.message))?;
        }
    }
    Ok(())
}

/// Checks a row's columns against the table's and types its values.
fn bind_row(
    table: &'static str,
    kinds: &BTreeMap<String, Kind>,
    row: &Map<String, Value>,
    at: &str,
) -> Result<Insert, ImportError> {
    let mut columns = Vec::with_capacity(row.len());
    let mut values = Vec::with_capacity(row.len());
    for (col, value) in row {
        let field = format!("{at}.{col}");
        let kind = kinds
            .get(col)
            .ok_or_else(|| invalid(&field, format!("is not a column of {table}")))?;
        values.push(Bind::of(*kind, value).map_err(|m| invalid(&field, m))?);
        columns.push(col.clone());
    }
    if columns.is_empty() {
        return Err(invalid(at, "has no columns"));
    }
    Ok(Insert {
        table,
        at: at.to_string(),
        columns,
        values,
    })
}

/// The workspace row, checked like any other.
async fn prepare(
    db: Db<'_>,
    table: &'static str,
    at: &str,
    row: &Map<String, Value>,
) -> Result<Insert, ImportError> {
    let kinds: BTreeMap<String, Kind> = columns(db, table).await?.into_iter().collect();
    bind_row(table, &kinds, row, at)
}

/// The rows of `t` in an order where a row comes after the row its
/// `self_ref` names (a sub-task after its parent).
fn in_tree_order(t: &Table, rows: &[Value], prepared: Vec<Insert>) -> Vec<Insert> {
    let Some(self_ref) = t.self_ref else {
        return prepared;
    };
    let id = |i: usize| rows[i].get("id").and_then(Value::as_str);
    let parent = |i: usize| rows[i].get(self_ref).and_then(Value::as_str);
    let index: HashMap<&str, usize> = (0..rows.len())
        .filter_map(|i| id(i).map(|id| (id, i)))
        .collect();
    let mut order = Vec::with_capacity(rows.len());
    let mut placed = vec![false; rows.len()];
    for start in 0..rows.len() {
        // Walk up to the first unplaced ancestor, then place downwards.
        let mut chain = Vec::new();
        let mut at = Some(start);
        while let Some(i) = at {
            if placed[i] || chain.contains(&i) {
                break;
            }
            chain.push(i);
            at = parent(i).and_then(|p| index.get(p).copied());
        }
        for &i in chain.iter().rev() {
            placed[i] = true;
            order.push(i);
        }
    }
    let mut slots: Vec<Option<Insert>> = prepared.into_iter().map(Some).collect();
    order.into_iter().filter_map(|i| slots[i].take()).collect()
}

/// Finds or creates each person; returns exported id → id here for the
/// people whose id differs, and how many accounts were created.
async fn match_people(
    tx: &mut Tx,
    people: &[Person],
    now: &str,
) -> Result<(Vec<(String, String)>, usize), ImportError> {
    let mut renamed = Vec::new();
    let mut created = 0;
    for p in people {
        let by_email: Option<(String,)> = on_db!(tx.db(), c => sqlx::query_as(
            "SELECT id FROM users WHERE email = $1"
        ).bind(&p.email).fetch_optional(c).await)?;
        if let Some((id,)) = by_email {
            if id != p.id {
                renamed.push((p.id.clone(), id));
            }
            continue;
        }
        let taken: Option<(String,)> = on_db!(tx.db(), c => sqlx::query_as(
            "SELECT id FROM users WHERE id = $1"
        ).bind(&p.id).fetch_optional(c).await)?;
        let id = if taken.is_some() {
            let id = keel_domain::ids::new_id();
            renamed.push((p.id.clone(), id.clone()));
            id
        } else {
            p.id.clone()
        };
        // No password: an empty hash matches none, so they cannot sign in
        // until an admin gives them one.
        crate::repo::users::insert(
            tx,
            crate::repo::users::NewUserRecord {
                id: &id,
                email: &p.email,
                name: &p.name,
                password_hash: "",
                is_admin: false,
                created_at: now,
            },
        )
        .await?;
        created += 1;
    }
    Ok((renamed, created))
}

/// Replaces exported people's ids by their ids here, wherever they appear
/// in text (a column, `user:<id>` voters, ids inside JSON text). Ids are
/// 32 random hex digits, so a match is that person.
fn rename_people(values: &mut [Bind], renamed: &[(String, String)]) {
    for v in values {
        if let Bind::Text(Some(s)) = v {
            for (old, new) in renamed {
                if s.contains(old.as_str()) {
                    *s = s.replace(old.as_str(), new);
                }
            }
        }
    }
}

async fn write(tx: &mut Tx, insert: &Insert) -> Result<(), ImportError> {
    // Column names were checked against the schema; quoted all the same.
    let columns: Vec<String> = insert.columns.iter().map(|c| format!("\"{c}\"")).collect();
    let params: Vec<String> = (1..=insert.columns.len())
        .map(|n| format!("${n}"))
        .collect();
    let sql = format!(
        "INSERT INTO {} ({}) VALUES ({})",
        insert.table,
        columns.join(", "),
        params.join(", ")
    );
    let written = on_db!(tx.db(), c => {
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for b in &insert.values {
            q = match b {
                Bind::Text(v) => q.bind(v.clone()),
                Bind::Int(v) => q.bind(*v),
                Bind::Float(v) => q.bind(*v),
                Bind::Bool(v) => q.bind(*v),
            };
        }
        q.execute(c).await.map(|r| r.rows_affected())
    });
    match written {
        // A missing required value or a broken CHECK is the document's
        // fault: name the row (and the column, when the database says).
        Err(sqlx::Error::Database(db))
            if matches!(
                db.kind(),
                sqlx::error::ErrorKind::NotNullViolation | sqlx::error::ErrorKind::CheckViolation
            ) =>
        {
            let field = match column_named(db.message()) {
                Some(column) => format!("{}.{column}", insert.at),
                None => insert.at.clone(),
            };
            Err(invalid(
                field,
                format!("breaks a rule of {}: {}", insert.table, db.message()),
            ))
        }
        written => written.map(drop).map_err(Into::into),
    }
}

/// The column a NOT NULL message names: SQLite's `… failed: tasks.title`,
/// PostgreSQL's `null value in column "title" of relation …`.
fn column_named(message: &str) -> Option<&str> {
    if let Some((_, rest)) = message.split_once("column \"") {
        return rest.split('"').next();
    }
    let (_, qualified) = message.split_once("NOT NULL constraint failed: ")?;
    qualified.rsplit('.').next()
}

/// Makes the importer an owner, unless the document made them an active
/// member.
async fn ensure_owner(
    tx: &mut Tx,
    workspace_id: &str,
    user_id: &str,
    now: &str,
) -> Result<(), ImportError> {
    let member: Option<(bool,)> = on_db!(tx.db(), c => sqlx::query_as(
        "SELECT active FROM memberships WHERE workspace_id = $1 AND user_id = $2"
    ).bind(workspace_id).bind(user_id).fetch_optional(c).await)?;
    if member == Some((false,)) {
        // A former member imports it: they are back, as its owner.
        on_db!(tx.db(), c => sqlx::query(
            "UPDATE memberships SET active = TRUE, role = 'owner', updated_at = $3
             WHERE workspace_id = $1 AND user_id = $2"
        ).bind(workspace_id).bind(user_id).bind(now).execute(c).await.map(|r| r.rows_affected()))?;
    } else if member.is_none() {
        on_db!(tx.db(), c => sqlx::query(
            "INSERT INTO memberships (workspace_id, user_id, role, created_at, updated_at)
             VALUES ($1, $2, 'owner', $3, $3)"
        ).bind(workspace_id).bind(user_id).bind(now).execute(c).await.map(|r| r.rows_affected()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::column_named;

    #[test]
    fn not_null_messages_name_their_column() {
        assert_eq!(
            column_named("NOT NULL constraint failed: tasks.title"),
            Some("title")
        );
        assert_eq!(
            column_named(
                "null value in column \"title\" of relation \"tasks\" violates not-null constraint"
            ),
            Some("title")
        );
        assert_eq!(column_named("CHECK constraint failed: no_self"), None);
    }
}

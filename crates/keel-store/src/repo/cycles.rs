//! Cycles (sprints) of a product and their scope. Joining and leaving the
//! scope is recorded as stretches (`cycle_tasks`: added_at … removed_at),
//! never overwritten, so the burn-up can be replayed for any past day.
//! Every change appends a `cycle` event in the same transaction.

use crate::{Db, StoreError, StoreResult, Tx, repo};
use keel_domain::model::Event;

/// The event kind of cycle changes (dates, name, scope).
pub const KIND: &str = "cycle";

/// A cycle as stored.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Cycle {
    pub id: String,
    pub workspace_id: String,
    pub product_id: String,
    pub product_key: String,
    pub name: String,
    /// `YYYY-MM-DD`, first day.
    pub start_date: String,
    /// `YYYY-MM-DD`, last day (included).
    pub end_date: String,
    pub created_at: String,
    pub updated_at: String,
    pub version: i64,
}

/// One stretch of time a task spent in a cycle's scope, with what the
/// burn-up needs of the task as it is now.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ScopeRow {
    pub cycle_id: String,
    pub task_id: String,
    pub added_at: String,
    pub removed_at: Option<String>,
    pub estimate: Option<f64>,
    pub status: String,
    pub completed_at: Option<String>,
}

const SELECT: &str = "SELECT c.id, c.workspace_id, c.product_id, p.key AS product_key, c.name,
    c.start_date, c.end_date, c.created_at, c.updated_at, c.version
    FROM cycles c JOIN products p ON p.id = c.product_id";

/// What [`create`] writes.
#[derive(Debug, Clone)]
pub struct NewCycle<'a> {
    pub id: &'a str,
    pub workspace_id: &'a str,
    pub product_id: &'a str,
    pub name: &'a str,
    pub start_date: &'a str,
    pub end_date: &'a str,
    pub actor_id: &'a str,
    pub now: &'a str,
}

pub async fn create(tx: &mut Tx, c: &NewCycle<'_>) -> StoreResult<(Cycle, Event)> {
    on_db!(tx.db(), conn => sqlx::query(
        "INSERT INTO cycles (id, workspace_id, product_id, name, start_date, end_date, created_by,
            created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)"
    ).bind(c.id).bind(c.workspace_id).bind(c.product_id).bind(c.name).bind(c.start_date)
     .bind(c.end_date).bind(c.actor_id).bind(c.now)
     .execute(conn).await.map(|r| r.rows_affected()))?;
    let event =
        repo::events::append(tx, c.workspace_id, "created", KIND, c.id, None, c.now).await?;
    let cycle = get(tx.db(), c.workspace_id, c.id)
        .await?
        .ok_or(StoreError::NotFound)?;
    Ok((cycle, event))
}

/// A cycle of the workspace, by id.
pub async fn get(db: Db<'_>, workspace_id: &str, id: &str) -> StoreResult<Option<Cycle>> {
    let row: Option<Cycle> = on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE c.workspace_id = $1 AND c.id = $2"
    ))).bind(workspace_id).bind(id).fetch_optional(c).await)?;
    Ok(row)
}

/// The workspace's cycles (of one product, if given), latest start first.
pub async fn list(
    db: Db<'_>,
    workspace_id: &str,
    product_id: Option<&str>,
) -> StoreResult<Vec<Cycle>> {
    let rows: Vec<Cycle> = match product_id {
        Some(p) => on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{SELECT} WHERE c.workspace_id = $1 AND c.product_id = $2
             ORDER BY c.start_date DESC, c.id DESC"
        ))).bind(workspace_id).bind(p).fetch_all(c).await)?,
        None => on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{SELECT} WHERE c.workspace_id = $1 ORDER BY c.start_date DESC, c.id DESC"
        ))).bind(workspace_id).fetch_all(c).await)?,
    };
    Ok(rows)
}

/// Writes a new name and dates over `current`; `Stale` if its version moved.
pub async fn update(
    tx: &mut Tx,
    current: &Cycle,
    name: &str,
    start_date: &str,
    end_date: &str,
    now: &str,
) -> StoreResult<(Cycle, Event)> {
    let changed = on_db!(tx.db(), c => sqlx::query(
        "UPDATE cycles SET name = $3, start_date = $4, end_date = $5, updated_at = $6,
            version = version + 1
         WHERE id = $1 AND version = $2"
    ).bind(&current.id).bind(current.version).bind(name).bind(start_date).bind(end_date).bind(now)
     .execute(c).await.map(|r| r.rows_affected()))?;
    if changed == 0 {
        return Err(StoreError::Stale);
    }
    touched(tx, current, now).await
}

/// Marks a change of the cycle (its scope): bumps its version and
/// `updated_at`, appends the event, returns the cycle as it is now.
pub async fn touched(tx: &mut Tx, current: &Cycle, now: &str) -> StoreResult<(Cycle, Event)> {
    on_db!(tx.db(), c => sqlx::query(
        "UPDATE cycles SET updated_at = $2, version = version + 1 WHERE id = $1"
    ).bind(&current.id).bind(now).execute(c).await.map(|r| r.rows_affected()))?;
    let event = repo::events::append(
        tx,
        &current.workspace_id,
        "updated",
        KIND,
        &current.id,
        None,
        now,
    )
    .await?;
    let cycle = get(tx.db(), &current.workspace_id, &current.id)
        .await?
        .ok_or(StoreError::NotFound)?;
    Ok((cycle, event))
}

/// Puts a task into the cycle's scope; `false` if it already is.
pub async fn add_task(
    tx: &mut Tx,
    cycle_id: &str,
    task_id: &str,
    id: &str,
    now: &str,
) -> StoreResult<bool> {
    let added = on_db!(tx.db(), c => sqlx::query(
        "INSERT INTO cycle_tasks (id, cycle_id, task_id, added_at)
         SELECT $1, $2, $3, $4
         WHERE NOT EXISTS (SELECT 1 FROM cycle_tasks
                           WHERE cycle_id = $2 AND task_id = $3 AND removed_at IS NULL)"
    ).bind(id).bind(cycle_id).bind(task_id).bind(now)
     .execute(c).await.map(|r| r.rows_affected()))?;
    Ok(added > 0)
}

/// Takes a task out of the cycle's scope (ending its stretch); `false` if
/// it was not in it.
pub async fn remove_task(
    tx: &mut Tx,
    cycle_id: &str,
    task_id: &str,
    now: &str,
) -> StoreResult<bool> {
    let removed = on_db!(tx.db(), c => sqlx::query(
        "UPDATE cycle_tasks SET removed_at = $3
         WHERE cycle_id = $1 AND task_id = $2 AND removed_at IS NULL"
    ).bind(cycle_id).bind(task_id).bind(now).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(removed > 0)
}

/// Ids of the tasks in the cycle's scope now, in the order they joined.
pub async fn task_ids(db: Db<'_>, cycle_id: &str) -> StoreResult<Vec<String>> {
    let rows: Vec<(String,)> = on_db!(db, c => sqlx::query_as(
        "SELECT task_id FROM cycle_tasks WHERE cycle_id = $1 AND removed_at IS NULL
         ORDER BY added_at, id"
    ).bind(cycle_id).fetch_all(c).await)?;
    Ok(rows.into_iter().map(|(t,)| t).collect())
}

const SCOPE: &str = "SELECT ct.cycle_id, ct.task_id, ct.added_at, ct.removed_at, t.estimate,
    t.status, t.completed_at
    FROM cycle_tasks ct JOIN tasks t ON t.id = ct.task_id";

/// Every scope stretch of one cycle.
pub async fn scope(db: Db<'_>, cycle_id: &str) -> StoreResult<Vec<ScopeRow>> {
    let rows: Vec<ScopeRow> = on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SCOPE} WHERE ct.cycle_id = $1 ORDER BY ct.added_at, ct.id"
    ))).bind(cycle_id).fetch_all(c).await)?;
    Ok(rows)
}

/// Every scope stretch of every cycle of the workspace (for lists).
pub async fn scope_of_workspace(db: Db<'_>, workspace_id: &str) -> StoreResult<Vec<ScopeRow>> {
    let rows: Vec<ScopeRow> = on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SCOPE} JOIN cycles c ON c.id = ct.cycle_id WHERE c.workspace_id = $1
         ORDER BY ct.added_at, ct.id"
    ))).bind(workspace_id).fetch_all(c).await)?;
    Ok(rows)
}

//! Goals (objectives and their key results) and check-ins.
//!
//! A key result is a goal whose `parent_id` names its objective; deleting
//! the objective deletes its key results (ON DELETE CASCADE). A check-in
//! moves the goal's version too, since progress, health and forecast change
//! with it. Every change appends a `goal` event in the writing transaction.

use crate::{Db, StoreError, StoreResult, Tx, repo};
use keel_domain::ids::new_id;
use keel_domain::model::Event;

/// The event kind of goal changes.
pub const KIND: &str = "goal";

/// A goal as stored, with its product key and owner.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Goal {
    pub id: String,
    pub workspace_id: String,
    pub product_id: String,
    pub product_key: String,
    pub parent_id: Option<String>,
    pub title: String,
    pub metric: String,
    pub baseline: Option<f64>,
    pub target: Option<f64>,
    pub unit: String,
    pub deadline: Option<String>,
    pub owner_id: Option<String>,
    pub owner_name: Option<String>,
    pub owner_email: Option<String>,
    /// manual or linked_features.
    pub measure: String,
    pub created_at: String,
    pub updated_at: String,
    pub version: i64,
}

/// `$1` the workspace.
const SELECT: &str = "SELECT g.id, g.workspace_id, g.product_id, p.key AS product_key,
    g.parent_id, g.title, g.metric, g.baseline, g.target, g.unit, g.deadline, g.owner_id,
    u.name AS owner_name, u.email AS owner_email, g.measure, g.created_at, g.updated_at, g.version
    FROM goals g JOIN products p ON p.id = g.product_id
    LEFT JOIN users u ON u.id = g.owner_id
    WHERE g.workspace_id = $1";

/// Validated values written on create and update.
#[derive(Debug, Clone, PartialEq)]
pub struct GoalFields {
    pub parent_id: Option<String>,
    pub title: String,
    pub metric: String,
    pub baseline: Option<f64>,
    pub target: Option<f64>,
    pub unit: String,
    pub deadline: Option<String>,
    pub owner_id: Option<String>,
    pub measure: String,
}

impl GoalFields {
    /// The fields `g` has now, for comparing with a patch.
    pub fn of(g: &Goal) -> Self {
        GoalFields {
            parent_id: g.parent_id.clone(),
            title: g.title.clone(),
            metric: g.metric.clone(),
            baseline: g.baseline,
            target: g.target,
            unit: g.unit.clone(),
            deadline: g.deadline.clone(),
            owner_id: g.owner_id.clone(),
            measure: g.measure.clone(),
        }
    }
}

pub async fn create(
    tx: &mut Tx,
    workspace_id: &str,
    product_id: &str,
    fields: &GoalFields,
    actor_id: &str,
    now: &str,
) -> StoreResult<(Goal, Event)> {
    let id = new_id();
    on_db!(tx.db(), c => sqlx::query(
        "INSERT INTO goals (id, workspace_id, product_id, parent_id, title, metric, baseline,
            target, unit, deadline, owner_id, created_by, created_at, updated_at, measure)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13, $14)"
    ).bind(&id).bind(workspace_id).bind(product_id).bind(&fields.parent_id).bind(&fields.title)
     .bind(&fields.metric).bind(fields.baseline).bind(fields.target).bind(&fields.unit)
     .bind(&fields.deadline).bind(&fields.owner_id).bind(actor_id).bind(now)
     .bind(&fields.measure)
     .execute(c).await.map(|r| r.rows_affected()))?;
    let event = repo::events::append(tx, workspace_id, "created", KIND, &id, None, now).await?;
    let goal = get(tx.db(), workspace_id, &id)
        .await?
        .ok_or(StoreError::NotFound)?;
    Ok((goal, event))
}

/// A goal of the workspace by id.
pub async fn get(db: Db<'_>, workspace_id: &str, id: &str) -> StoreResult<Option<Goal>> {
    let row: Option<Goal> = on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT} AND g.id = $2"
    ))).bind(workspace_id).bind(id).fetch_optional(c).await)?;
    Ok(row)
}

/// The workspace's goals (of one product when given), oldest first so
/// objectives keep the order they were set in.
pub async fn list(
    db: Db<'_>,
    workspace_id: &str,
    product_id: Option<&str>,
) -> StoreResult<Vec<Goal>> {
    let rows: Vec<Goal> = match product_id {
        Some(p) => on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{SELECT} AND g.product_id = $2 ORDER BY g.id"
        ))).bind(workspace_id).bind(p).fetch_all(c).await)?,
        None => on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{SELECT} ORDER BY g.id"
        ))).bind(workspace_id).fetch_all(c).await)?,
    };
    Ok(rows)
}

/// Writes new values over `current`; `Stale` if its version moved.
pub async fn update(
    tx: &mut Tx,
    current: &Goal,
    fields: &GoalFields,
    now: &str,
) -> StoreResult<(Goal, Event)> {
    let changed = on_db!(tx.db(), c => sqlx::query(
        "UPDATE goals SET parent_id = $3, title = $4, metric = $5, baseline = $6, target = $7,
            unit = $8, deadline = $9, owner_id = $10, updated_at = $11, measure = $12,
            version = version + 1
         WHERE id = $1 AND version = $2"
    ).bind(&current.id).bind(current.version).bind(&fields.parent_id).bind(&fields.title)
     .bind(&fields.metric).bind(fields.baseline).bind(fields.target).bind(&fields.unit)
     .bind(&fields.deadline).bind(&fields.owner_id).bind(now).bind(&fields.measure)
     .execute(c).await.map(|r| r.rows_affected()))?;
    if changed == 0 {
        return Err(StoreError::Stale);
    }
    touched(tx, current, now).await
}

async fn touched(tx: &mut Tx, current: &Goal, now: &str) -> StoreResult<(Goal, Event)> {
    let ws = current.workspace_id.as_str();
    let event = repo::events::append(tx, ws, "updated", KIND, &current.id, None, now).await?;
    let goal = get(tx.db(), ws, &current.id)
        .await?
        .ok_or(StoreError::NotFound)?;
    Ok((goal, event))
}

/// Deletes a goal with its check-ins and key results.
pub async fn delete(tx: &mut Tx, current: &Goal, now: &str) -> StoreResult<Event> {
    repo::guard::delete_unchanged(tx, "goals", "version", &current.id, current.version).await?;
    repo::events::append(
        tx,
        &current.workspace_id,
        "deleted",
        KIND,
        &current.id,
        None,
        now,
    )
    .await
}

/// A measured value of a goal on a day.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Checkin {
    pub id: String,
    pub goal_id: String,
    pub value: f64,
    pub note: String,
    pub checked_on: String,
    pub created_by: String,
    pub created_at: String,
}

/// Records a check-in and moves the goal's version.
pub async fn add_checkin(
    tx: &mut Tx,
    current: &Goal,
    value: f64,
    note: &str,
    checked_on: &str,
    actor_id: &str,
    now: &str,
) -> StoreResult<(Checkin, Goal, Event)> {
    let id = new_id();
    on_db!(tx.db(), c => sqlx::query(
        "INSERT INTO goal_checkins (id, workspace_id, goal_id, value, note, checked_on,
            created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
    ).bind(&id).bind(&current.workspace_id).bind(&current.id).bind(value).bind(note)
     .bind(checked_on).bind(actor_id).bind(now).execute(c).await.map(|r| r.rows_affected()))?;
    on_db!(tx.db(), c => sqlx::query(
        "UPDATE goals SET updated_at = $2, version = version + 1 WHERE id = $1"
    ).bind(&current.id).bind(now).execute(c).await.map(|r| r.rows_affected()))?;
    let (goal, event) = touched(tx, current, now).await?;
    let checkin = checkins(tx.db(), &current.workspace_id, &current.id)
        .await?
        .into_iter()
        .find(|c| c.id == id)
        .ok_or(StoreError::NotFound)?;
    Ok((checkin, goal, event))
}

/// A goal's check-ins by date, then in the order recorded.
pub async fn checkins(db: Db<'_>, workspace_id: &str, goal_id: &str) -> StoreResult<Vec<Checkin>> {
    let rows: Vec<Checkin> = on_db!(db, c => sqlx::query_as(
        "SELECT id, goal_id, value, note, checked_on, created_by, created_at FROM goal_checkins
         WHERE workspace_id = $1 AND goal_id = $2 ORDER BY checked_on, id"
    ).bind(workspace_id).bind(goal_id).fetch_all(c).await)?;
    Ok(rows)
}

/// Check-ins of all the workspace's goals of a product, for lists.
pub async fn checkins_of_product(
    db: Db<'_>,
    workspace_id: &str,
    product_id: Option<&str>,
) -> StoreResult<Vec<Checkin>> {
    let rows: Vec<Checkin> = on_db!(db, c => sqlx::query_as(
        "SELECT c.id, c.goal_id, c.value, c.note, c.checked_on, c.created_by, c.created_at
         FROM goal_checkins c JOIN goals g ON g.id = c.goal_id
         WHERE c.workspace_id = $1 AND ($2 IS NULL OR g.product_id = $2)
         ORDER BY c.checked_on, c.id"
    ).bind(workspace_id).bind(product_id).fetch_all(c).await)?;
    Ok(rows)
}

/// Every `(goal_id, feature_id, status)` of the workspace: features linked
/// to a goal directly or through an initiative that is not cancelled, for
/// goals measured by linked work. A feature linked both ways comes twice;
/// callers count it once.
pub async fn linked_feature_statuses(
    db: Db<'_>,
    workspace_id: &str,
) -> StoreResult<Vec<(String, String, String)>> {
    let rows: Vec<(String, String, String)> = on_db!(db, c => sqlx::query_as(
        "SELECT l.goal_id, f.id, f.status FROM feature_goals l
         JOIN features f ON f.id = l.feature_id WHERE l.workspace_id = $1
         UNION
         SELECT ig.goal_id, f.id, f.status FROM initiative_goals ig
         JOIN initiatives i ON i.id = ig.initiative_id
         JOIN initiative_features l ON l.initiative_id = i.id
         JOIN features f ON f.id = l.feature_id
         WHERE ig.workspace_id = $1 AND i.status <> 'cancelled'
         ORDER BY 1, 2"
    ).bind(workspace_id).fetch_all(c).await)?;
    Ok(rows)
}

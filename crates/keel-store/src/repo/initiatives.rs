//! Initiatives: a product's features grouped toward one or more of its
//! goals. The goal and feature links are replaced as whole sets, in the
//! transaction that changes the initiative and moves its version, so a
//! reader never sees half a change. Every change appends an `initiative`
//! event in the writing transaction.

use crate::{Db, StoreError, StoreResult, Tx, repo};
use keel_domain::ids::new_id;
use keel_domain::model::Event;

/// The event kind of initiative changes.
pub const KIND: &str = "initiative";

/// An initiative as stored, with its product key.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Initiative {
    pub id: String,
    pub workspace_id: String,
    pub product_id: String,
    pub product_key: String,
    pub title: String,
    pub description: String,
    pub status: String,
    pub created_at: String,
    pub updated_at: String,
    pub version: i64,
}

/// `$1` the workspace.
const SELECT: &str = "SELECT i.id, i.workspace_id, i.product_id, p.key AS product_key,
    i.title, i.description, i.status, i.created_at, i.updated_at, i.version
    FROM initiatives i JOIN products p ON p.id = i.product_id
    WHERE i.workspace_id = $1";

/// Validated values written on create and update.
#[derive(Debug, Clone, PartialEq)]
pub struct InitiativeFields {
    pub title: String,
    pub description: String,
    pub status: String,
}

pub async fn create(
    tx: &mut Tx,
    workspace_id: &str,
    product_id: &str,
    fields: &InitiativeFields,
    actor_id: &str,
    now: &str,
) -> StoreResult<(Initiative, Event)> {
    let id = new_id();
    on_db!(tx.db(), c => sqlx::query(
        "INSERT INTO initiatives (id, workspace_id, product_id, title, description, status,
            created_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)"
    ).bind(&id).bind(workspace_id).bind(product_id).bind(&fields.title)
     .bind(&fields.description).bind(&fields.status).bind(actor_id).bind(now)
     .execute(c).await.map(|r| r.rows_affected()))?;
    let event = repo::events::append(tx, workspace_id, "created", KIND, &id, None, now).await?;
    let row = get(tx.db(), workspace_id, &id)
        .await?
        .ok_or(StoreError::NotFound)?;
    Ok((row, event))
}

/// An initiative of the workspace by id.
pub async fn get(db: Db<'_>, workspace_id: &str, id: &str) -> StoreResult<Option<Initiative>> {
    let row: Option<Initiative> = on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT} AND i.id = $2"
    ))).bind(workspace_id).bind(id).fetch_optional(c).await)?;
    Ok(row)
}

/// The workspace's initiatives (of one product when given), oldest first.
pub async fn list(
    db: Db<'_>,
    workspace_id: &str,
    product_id: Option<&str>,
) -> StoreResult<Vec<Initiative>> {
    let rows: Vec<Initiative> = on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT} AND ($2 IS NULL OR i.product_id = $2) ORDER BY i.id"
    ))).bind(workspace_id).bind(product_id).fetch_all(c).await)?;
    Ok(rows)
}

/// Writes new values over `current`; `Stale` if its version moved.
pub async fn update(
    tx: &mut Tx,
    current: &Initiative,
    fields: &InitiativeFields,
    now: &str,
) -> StoreResult<(Initiative, Event)> {
    let changed = on_db!(tx.db(), c => sqlx::query(
        "UPDATE initiatives SET title = $3, description = $4, status = $5, updated_at = $6,
            version = version + 1
         WHERE id = $1 AND version = $2"
    ).bind(&current.id).bind(current.version).bind(&fields.title).bind(&fields.description)
     .bind(&fields.status).bind(now)
     .execute(c).await.map(|r| r.rows_affected()))?;
    if changed == 0 {
        return Err(StoreError::Stale);
    }
    let ws = current.workspace_id.as_str();
    let event = repo::events::append(tx, ws, "updated", KIND, &current.id, None, now).await?;
    let row = get(tx.db(), ws, &current.id)
        .await?
        .ok_or(StoreError::NotFound)?;
    Ok((row, event))
}

/// Deletes an initiative and its links (the goals and features stay).
pub async fn delete(tx: &mut Tx, current: &Initiative, now: &str) -> StoreResult<Event> {
    repo::guard::delete_unchanged(tx, "initiatives", "version", &current.id, current.version)
        .await?;
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

/// Replaces the initiative's goals with `goal_ids` (duplicates ignored);
/// the caller has checked each is a goal of the initiative's product.
pub async fn set_goals(tx: &mut Tx, current: &Initiative, goal_ids: &[String]) -> StoreResult<()> {
    on_db!(tx.db(), c => sqlx::query("DELETE FROM initiative_goals WHERE initiative_id = $1")
        .bind(&current.id).execute(c).await.map(|r| r.rows_affected()))?;
    for id in dedup(goal_ids) {
        on_db!(tx.db(), c => sqlx::query(
            "INSERT INTO initiative_goals (workspace_id, initiative_id, goal_id) VALUES ($1, $2, $3)"
        ).bind(&current.workspace_id).bind(&current.id).bind(id)
         .execute(c).await.map(|r| r.rows_affected()))?;
    }
    Ok(())
}

/// Replaces the initiative's features with `feature_ids` (duplicates
/// ignored); the caller has checked each is a feature of its product.
pub async fn set_features(
    tx: &mut Tx,
    current: &Initiative,
    feature_ids: &[String],
) -> StoreResult<()> {
    on_db!(tx.db(), c => sqlx::query("DELETE FROM initiative_features WHERE initiative_id = $1")
        .bind(&current.id).execute(c).await.map(|r| r.rows_affected()))?;
    for id in dedup(feature_ids) {
        on_db!(tx.db(), c => sqlx::query(
            "INSERT INTO initiative_features (workspace_id, initiative_id, feature_id)
             VALUES ($1, $2, $3)"
        ).bind(&current.workspace_id).bind(&current.id).bind(id)
         .execute(c).await.map(|r| r.rows_affected()))?;
    }
    Ok(())
}

/// Marks the initiative changed (its links moved) without other edits.
pub async fn touch(
    tx: &mut Tx,
    current: &Initiative,
    now: &str,
) -> StoreResult<(Initiative, Event)> {
    let fields = InitiativeFields {
        title: current.title.clone(),
        description: current.description.clone(),
        status: current.status.clone(),
    };
    update(tx, current, &fields, now).await
}

fn dedup(ids: &[String]) -> Vec<&String> {
    let mut out: Vec<&String> = Vec::with_capacity(ids.len());
    for id in ids {
        if !out.contains(&id) {
            out.push(id);
        }
    }
    out
}

/// `(initiative_id, goal_id)` of the workspace's initiatives, by
/// initiative then goal.
pub async fn goal_links(db: Db<'_>, workspace_id: &str) -> StoreResult<Vec<(String, String)>> {
    let rows: Vec<(String, String)> = on_db!(db, c => sqlx::query_as(
        "SELECT initiative_id, goal_id FROM initiative_goals WHERE workspace_id = $1
         ORDER BY initiative_id, goal_id"
    ).bind(workspace_id).fetch_all(c).await)?;
    Ok(rows)
}

/// An initiative's feature with what a list shows of it.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct InitiativeFeature {
    pub initiative_id: String,
    pub feature_id: String,
    pub title: String,
    pub status: String,
}

/// The features of the workspace's initiatives, by initiative then title.
pub async fn feature_links(db: Db<'_>, workspace_id: &str) -> StoreResult<Vec<InitiativeFeature>> {
    let rows: Vec<InitiativeFeature> = on_db!(db, c => sqlx::query_as(
        "SELECT l.initiative_id, l.feature_id, f.title, f.status
         FROM initiative_features l JOIN features f ON f.id = l.feature_id
         WHERE l.workspace_id = $1 ORDER BY l.initiative_id, f.title, f.id"
    ).bind(workspace_id).fetch_all(c).await)?;
    Ok(rows)
}

/// A feature moving a goal, and how: directly, or through an initiative.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct GoalFeature {
    pub id: String,
    pub title: String,
    pub status: String,
    /// The initiative's title when linked through one; `None` when direct.
    pub via: Option<String>,
}

/// The features moving `goal_ids` (a goal and, for an objective, its key
/// results): linked directly or through an initiative. A feature linked
/// both ways appears once per way; callers count each feature once.
pub async fn features_moving(
    db: Db<'_>,
    workspace_id: &str,
    goal_ids: &[String],
) -> StoreResult<Vec<GoalFeature>> {
    let mut out = Vec::new();
    let mut db = db;
    for goal_id in goal_ids {
        let rows: Vec<GoalFeature> = on_db!(db.re(), c => sqlx::query_as(
            "SELECT f.id, f.title, f.status, NULL AS via FROM feature_goals l
             JOIN features f ON f.id = l.feature_id
             WHERE l.workspace_id = $1 AND l.goal_id = $2
             UNION ALL
             SELECT f.id, f.title, f.status, i.title AS via FROM initiative_goals ig
             JOIN initiatives i ON i.id = ig.initiative_id
             JOIN initiative_features l ON l.initiative_id = i.id
             JOIN features f ON f.id = l.feature_id
             WHERE ig.workspace_id = $1 AND ig.goal_id = $2 AND i.status <> 'cancelled'
             ORDER BY 2, 1"
        ).bind(workspace_id).bind(goal_id).fetch_all(c).await)?;
        out.extend(rows);
    }
    Ok(out)
}

/// The goal ids and feature ids of one initiative, each sorted.
pub async fn links_of(
    db: Db<'_>,
    workspace_id: &str,
    initiative_id: &str,
) -> StoreResult<(Vec<String>, Vec<String>)> {
    let mut db = db;
    let goals: Vec<(String,)> = on_db!(db.re(), c => sqlx::query_as(
        "SELECT goal_id FROM initiative_goals WHERE workspace_id = $1 AND initiative_id = $2
         ORDER BY goal_id"
    ).bind(workspace_id).bind(initiative_id).fetch_all(c).await)?;
    let features: Vec<(String,)> = on_db!(db.re(), c => sqlx::query_as(
        "SELECT feature_id FROM initiative_features WHERE workspace_id = $1 AND initiative_id = $2
         ORDER BY feature_id"
    ).bind(workspace_id).bind(initiative_id).fetch_all(c).await)?;
    Ok((
        goals.into_iter().map(|(g,)| g).collect(),
        features.into_iter().map(|(f,)| f).collect(),
    ))
}

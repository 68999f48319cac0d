//! User stories under features, and the tasks they are broken down into.
//!
//! A story belongs to one feature (and so to its product and workspace);
//! `position` orders a feature's stories 0..n and is renumbered whenever
//! one is added, moved or deleted — neighbours whose position shifts keep
//! their version, as only the moved story changed. Acceptance criteria are
//! a JSON array in one column: they are always read and written whole with
//! the story. A task points at its story through `tasks.story_id`, and a
//! task made from a criterion remembers it in `tasks.story_criterion`.
//! Every change appends a `story` event in the writing transaction.

use crate::{Db, StoreError, StoreResult, Tx, repo};
use keel_domain::ids::new_id;
use keel_domain::model::Event;
use keel_domain::story::Criterion;
use keel_domain::values::TaskKey;

/// The event kind of story changes.
pub const KIND: &str = "story";

/// A story as stored, with its product key and persona name.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Story {
    pub id: String,
    pub workspace_id: String,
    pub product_id: String,
    pub product_key: String,
    pub feature_id: String,
    pub feature_title: String,
    pub as_a: String,
    pub persona_id: Option<String>,
    pub persona_name: Option<String>,
    pub i_want: String,
    pub so_that: String,
    pub acceptance_criteria: String,
    pub technical_requirements: String,
    pub status: String,
    pub position: i64,
    pub created_at: String,
    pub updated_at: String,
    pub version: i64,
}

impl Story {
    /// The acceptance criteria in order. The column is only ever written
    /// from validated criteria, so a value that does not parse reads as none
    /// rather than failing every read of the story.
    pub fn criteria(&self) -> Vec<Criterion> {
        serde_json::from_str(&self.acceptance_criteria).unwrap_or_default()
    }
}

/// `$1` the workspace.
const SELECT: &str = "SELECT s.id, s.workspace_id, s.product_id, p.key AS product_key,
    s.feature_id, f.title AS feature_title, s.as_a, s.persona_id, pe.name AS persona_name,
    s.i_want, s.so_that, s.acceptance_criteria, s.technical_requirements, s.status,
    s.position, s.created_at, s.updated_at, s.version
    FROM stories s JOIN products p ON p.id = s.product_id
    JOIN features f ON f.id = s.feature_id
    LEFT JOIN personas pe ON pe.id = s.persona_id
    WHERE s.workspace_id = $1";

/// Validated values written on create and update.
#[derive(Debug, Clone, PartialEq)]
pub struct StoryFields {
    pub as_a: String,
    pub persona_id: Option<String>,
    pub i_want: String,
    pub so_that: String,
    pub criteria: Vec<Criterion>,
    pub technical_requirements: String,
    pub status: String,
}

impl StoryFields {
    /// The fields `s` has now, for comparing with a patch.
    pub fn of(s: &Story) -> Self {
        StoryFields {
            as_a: s.as_a.clone(),
            persona_id: s.persona_id.clone(),
            i_want: s.i_want.clone(),
            so_that: s.so_that.clone(),
            criteria: s.criteria(),
            technical_requirements: s.technical_requirements.clone(),
            status: s.status.clone(),
        }
    }
}

fn criteria_json(c: &[Criterion]) -> String {
    serde_json::to_string(c).unwrap_or_else(|_| "[]".to_string())
}

/// Adds a story after the feature's last one.
pub async fn create(
    tx: &mut Tx,
    workspace_id: &str,
    product_id: &str,
    feature_id: &str,
    fields: &StoryFields,
    actor_id: &str,
    now: &str,
) -> StoreResult<(Story, Event)> {
    let id = new_id();
    // Numbered by counting the feature's stories: one at a time.
    repo::guard::lock(tx, repo::guard::Locked::Feature, feature_id).await?;
    on_db!(tx.db(), c => sqlx::query(
        "INSERT INTO stories (id, workspace_id, product_id, feature_id, as_a, persona_id, i_want,
            so_that, acceptance_criteria, technical_requirements, status, position, created_by,
            created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11,
            (SELECT COUNT(*) FROM stories WHERE feature_id = $4), $12, $13, $13)"
    ).bind(&id).bind(workspace_id).bind(product_id).bind(feature_id).bind(&fields.as_a)
     .bind(&fields.persona_id).bind(&fields.i_want).bind(&fields.so_that)
     .bind(criteria_json(&fields.criteria)).bind(&fields.technical_requirements)
     .bind(&fields.status).bind(actor_id).bind(now)
     .execute(c).await.map(|r| r.rows_affected()))?;
    let event = repo::events::append(tx, workspace_id, "created", KIND, &id, None, now).await?;
    let story = get(tx.db(), workspace_id, &id)
        .await?
        .ok_or(StoreError::NotFound)?;
    Ok((story, event))
}

/// A story of the workspace by id.
pub async fn get(db: Db<'_>, workspace_id: &str, id: &str) -> StoreResult<Option<Story>> {
    let row: Option<Story> = on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT} AND s.id = $2"
    ))).bind(workspace_id).bind(id).fetch_optional(c).await)?;
    Ok(row)
}

/// The workspace's stories, of one feature and/or one product when given:
/// by feature, then in each feature's order.
pub async fn list(
    db: Db<'_>,
    workspace_id: &str,
    feature_id: Option<&str>,
    product_id: Option<&str>,
) -> StoreResult<Vec<Story>> {
    let rows: Vec<Story> = on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT} AND ($2 IS NULL OR s.feature_id = $2) AND ($3 IS NULL OR s.product_id = $3)
         ORDER BY s.feature_id, s.position, s.id"
    ))).bind(workspace_id).bind(feature_id).bind(product_id).fetch_all(c).await)?;
    Ok(rows)
}

/// Writes new values over `current`; `Stale` if its version moved.
pub async fn update(
    tx: &mut Tx,
    current: &Story,
    fields: &StoryFields,
    now: &str,
) -> StoreResult<(Story, Event)> {
    let changed = on_db!(tx.db(), c => sqlx::query(
        "UPDATE stories SET as_a = $3, persona_id = $4, i_want = $5, so_that = $6,
            acceptance_criteria = $7, technical_requirements = $8, status = $9,
            updated_at = $10, version = version + 1
         WHERE id = $1 AND version = $2"
    ).bind(&current.id).bind(current.version).bind(&fields.as_a).bind(&fields.persona_id)
     .bind(&fields.i_want).bind(&fields.so_that).bind(criteria_json(&fields.criteria))
     .bind(&fields.technical_requirements).bind(&fields.status).bind(now)
     .execute(c).await.map(|r| r.rows_affected()))?;
    if changed == 0 {
        return Err(StoreError::Stale);
    }
    touched(tx, current, now).await
}

/// Moves `current` to `position` among its feature's stories (already
/// clamped by the caller), renumbering the others, and moves its version.
pub async fn move_to(
    tx: &mut Tx,
    current: &Story,
    position: usize,
    now: &str,
) -> StoreResult<(Story, Event)> {
    let mut order = sibling_ids(tx.db(), &current.feature_id).await?;
    order.retain(|id| id != &current.id);
    order.insert(position.min(order.len()), current.id.clone());
    set_positions(tx, &order).await?;
    let changed = on_db!(tx.db(), c => sqlx::query(
        "UPDATE stories SET updated_at = $3, version = version + 1 WHERE id = $1 AND version = $2"
    ).bind(&current.id).bind(current.version).bind(now)
     .execute(c).await.map(|r| r.rows_affected()))?;
    if changed == 0 {
        return Err(StoreError::Stale);
    }
    touched(tx, current, now).await
}

async fn sibling_ids(db: Db<'_>, feature_id: &str) -> StoreResult<Vec<String>> {
    let rows: Vec<(String,)> = on_db!(db, c => sqlx::query_as(
        "SELECT id FROM stories WHERE feature_id = $1 ORDER BY position, id"
    ).bind(feature_id).fetch_all(c).await)?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// Gives each id its index as position, touching only rows that change.
async fn set_positions(tx: &mut Tx, ids: &[String]) -> StoreResult<()> {
    for (position, id) in ids.iter().enumerate() {
        on_db!(tx.db(), c => sqlx::query(
            "UPDATE stories SET position = $2 WHERE id = $1 AND position <> $2"
        ).bind(id).bind(position as i64).execute(c).await.map(|r| r.rows_affected()))?;
    }
    Ok(())
}

async fn touched(tx: &mut Tx, current: &Story, now: &str) -> StoreResult<(Story, Event)> {
    let ws = current.workspace_id.as_str();
    let event = repo::events::append(tx, ws, "updated", KIND, &current.id, None, now).await?;
    let story = get(tx.db(), ws, &current.id)
        .await?
        .ok_or(StoreError::NotFound)?;
    Ok((story, event))
}

/// Deletes a story; its tasks stay, no longer linked, and the feature's
/// other stories close the gap.
pub async fn delete(tx: &mut Tx, current: &Story, now: &str) -> StoreResult<Event> {
    // The rest are renumbered from what is read: one at a time.
    repo::guard::lock(tx, repo::guard::Locked::Feature, &current.feature_id).await?;
    repo::guard::delete_unchanged(tx, "stories", "version", &current.id, current.version).await?;
    let rest = sibling_ids(tx.db(), &current.feature_id).await?;
    set_positions(tx, &rest).await?;
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

/// A task linked to a story.
#[derive(Debug, Clone, PartialEq)]
pub struct StoryTask {
    pub id: String,
    pub key: String,
    pub title: String,
    pub status: String,
    pub story_id: String,
    /// The criterion key it was made from, if a breakdown made it.
    pub criterion: Option<String>,
}

#[derive(sqlx::FromRow)]
struct StoryTaskRow {
    id: String,
    product_key: String,
    number: i64,
    title: String,
    status: String,
    story_id: String,
    story_criterion: Option<String>,
}

/// The tasks of these stories, in key order.
pub async fn tasks_of(
    db: Db<'_>,
    workspace_id: &str,
    story_id: Option<&str>,
) -> StoreResult<Vec<StoryTask>> {
    let rows: Vec<StoryTaskRow> = on_db!(db, c => sqlx::query_as(
        "SELECT t.id, p.key AS product_key, t.number, t.title, t.status, t.story_id,
            t.story_criterion
         FROM tasks t JOIN products p ON p.id = t.product_id
         WHERE t.workspace_id = $1 AND t.story_id IS NOT NULL AND ($2 IS NULL OR t.story_id = $2)
         ORDER BY p.key, t.number"
    ).bind(workspace_id).bind(story_id).fetch_all(c).await)?;
    Ok(rows
        .into_iter()
        .map(|r| StoryTask {
            key: TaskKey::format(&r.product_key, r.number),
            id: r.id,
            title: r.title,
            status: r.status,
            story_id: r.story_id,
            criterion: r.story_criterion,
        })
        .collect())
}

/// Links a task (created in this transaction) to its story and, for a
/// task made from a criterion, records which.
pub async fn link_task(
    tx: &mut Tx,
    task_id: &str,
    story_id: &str,
    criterion: Option<&str>,
) -> StoreResult<()> {
    on_db!(tx.db(), c => sqlx::query(
        "UPDATE tasks SET story_id = $2, story_criterion = $3 WHERE id = $1"
    ).bind(task_id).bind(story_id).bind(criterion).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// The story a task serves, if any.
pub async fn story_of_task(
    db: Db<'_>,
    workspace_id: &str,
    task_id: &str,
) -> StoreResult<Option<Story>> {
    let row: Option<Story> = on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT} AND s.id = (SELECT story_id FROM tasks WHERE id = $2 AND workspace_id = $1)"
    ))).bind(workspace_id).bind(task_id).fetch_optional(c).await)?;
    Ok(row)
}

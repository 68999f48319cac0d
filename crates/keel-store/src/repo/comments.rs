//! Comments on tasks and the task history (activity) they share a page with.

use crate::batch::Batch;
use crate::repo::events::NewEvent;
use crate::repo::{cursor_id, person};
use crate::{Db, StoreError, StoreResult, Tx};
use keel_domain::ids::new_id;
use keel_domain::model::{Activity, Comment, Event, Task};

#[derive(sqlx::FromRow)]
struct CommentRow {
    id: String,
    task_id: String,
    author_id: String,
    author_name: String,
    author_email: String,
    body: String,
    created_at: String,
    updated_at: String,
    version: i64,
}

impl From<CommentRow> for Comment {
    fn from(r: CommentRow) -> Self {
        Comment {
            id: r.id,
            task_id: r.task_id,
            author: person(r.author_id, r.author_name, r.author_email),
            body: r.body,
            created_at: r.created_at,
            updated_at: r.updated_at,
            version: r.version,
        }
    }
}

const SELECT: &str = "SELECT cm.id, cm.task_id, u.id AS author_id, u.name AS author_name,
    u.email AS author_email, cm.body, cm.created_at, cm.updated_at, cm.version
    FROM comments cm JOIN users u ON u.id = cm.author_id";

pub async fn create(
    tx: &mut Tx,
    task: &Task,
    author_id: &str,
    body: &str,
    now: &str,
) -> StoreResult<(Comment, Event)> {
    let id = new_id();
    // The comment, its history entry and its event in one batch (one trip
    // to the writer's thread on SQLite).
    let mut batch = Batch::new();
    batch.push(
        "INSERT INTO comments (id, workspace_id, task_id, author_id, body, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $6)",
        vec![
            (&id).into(),
            (&task.workspace_id).into(),
            (&task.id).into(),
            author_id.into(),
            body.into(),
            now.into(),
        ],
    );
    push_activity(
        &mut batch,
        &task.workspace_id,
        &task.id,
        author_id,
        "commented",
        None,
        now,
    );
    let event = NewEvent {
        workspace_id: &task.workspace_id,
        event_type: "created",
        kind: "comment",
        item_id: &id,
        key: Some(&task.key),
        at: now,
    };
    event.push_to(&mut batch, tx.db().backend());
    let (seq,): (i64,) = batch.fetch_one(tx).await?;
    let event = event.numbered(seq);
    let row: CommentRow = on_db!(tx.db(), c => sqlx::query_as(
        sqlx::AssertSqlSafe(format!("{SELECT} WHERE cm.id = $1"))
    ).bind(&id).fetch_optional(c).await)?
    .ok_or(StoreError::NotFound)?;
    Ok((row.into(), event))
}

/// One comment of a task.
pub async fn get(db: Db<'_>, task_id: &str, id: &str) -> StoreResult<Option<Comment>> {
    let row: Option<CommentRow> = on_db!(db, c => sqlx::query_as(
        sqlx::AssertSqlSafe(format!("{SELECT} WHERE cm.task_id = $1 AND cm.id = $2"))
    ).bind(task_id).bind(id).fetch_optional(c).await)?;
    Ok(row.map(Comment::from))
}

/// A task's comments, oldest first.
pub async fn list(
    db: Db<'_>,
    task_id: &str,
    cursor: Option<&str>,
    limit: i64,
) -> StoreResult<(Vec<Comment>, Option<String>)> {
    let limit = limit.clamp(1, 500);
    let after = cursor_id(cursor).unwrap_or_default();
    let rows: Vec<CommentRow> = on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE cm.task_id = $1 AND cm.id > $2 ORDER BY cm.id LIMIT $3"
    ))).bind(task_id).bind(&after).bind(limit + 1).fetch_all(c).await)?;
    Ok(page(
        rows.into_iter().map(Comment::from).collect(),
        limit,
        |c| c.id.clone(),
    ))
}

/// Adds one history entry to `batch`, sent with the change it records.
/// For updates, `change` is `(field, from, to)`.
pub fn push_activity(
    batch: &mut Batch,
    workspace_id: &str,
    task_id: &str,
    actor_id: &str,
    action: &str,
    change: Option<(&str, Option<&str>, Option<&str>)>,
    now: &str,
) {
    let (field, from, to) = change.map_or((None, None, None), |(f, a, b)| (Some(f), a, b));
    batch.push(
        "INSERT INTO activity (id, workspace_id, task_id, actor_id, action, field, old_value, new_value, at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        vec![
            new_id().into(),
            workspace_id.into(),
            task_id.into(),
            actor_id.into(),
            action.into(),
            field.into(),
            from.into(),
            to.into(),
            now.into(),
        ],
    );
}

#[derive(sqlx::FromRow)]
struct ActivityRow {
    id: String,
    task_id: String,
    actor_id: String,
    actor_name: String,
    actor_email: String,
    action: String,
    field: Option<String>,
    old_value: Option<String>,
    new_value: Option<String>,
    at: String,
}

impl From<ActivityRow> for Activity {
    fn from(r: ActivityRow) -> Self {
        Activity {
            id: r.id,
            task_id: r.task_id,
            actor: person(r.actor_id, r.actor_name, r.actor_email),
            action: r.action,
            field: r.field,
            old_value: r.old_value,
            new_value: r.new_value,
            at: r.at,
        }
    }
}

/// A task's history, oldest first.
pub async fn activity(
    db: Db<'_>,
    task_id: &str,
    cursor: Option<&str>,
    limit: i64,
) -> StoreResult<(Vec<Activity>, Option<String>)> {
    let limit = limit.clamp(1, 500);
    let after = cursor_id(cursor).unwrap_or_default();
    let rows: Vec<ActivityRow> = on_db!(db, c => sqlx::query_as(
        "SELECT a.id, a.task_id, u.id AS actor_id, u.name AS actor_name, u.email AS actor_email,
            a.action, a.field, a.old_value, a.new_value, a.at
         FROM activity a JOIN users u ON u.id = a.actor_id
         WHERE a.task_id = $1 AND a.id > $2 ORDER BY a.id LIMIT $3"
    ).bind(task_id).bind(&after).bind(limit + 1).fetch_all(c).await)?;
    Ok(page(
        rows.into_iter().map(Activity::from).collect(),
        limit,
        |a| a.id.clone(),
    ))
}

fn page<T>(mut items: Vec<T>, limit: i64, id: impl Fn(&T) -> String) -> (Vec<T>, Option<String>) {
    if items.len() as i64 > limit {
        items.truncate(limit as usize);
        let next = items.last().map(id);
        (items, next)
    } else {
        (items, None)
    }
}

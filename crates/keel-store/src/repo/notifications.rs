//! In-app notifications: rows telling one person about something that
//! happened (an @mention in a comment), read and marked read only by that
//! person. They are written in the transaction of the change that caused
//! them, each with its event (kind `notification`), so a notification
//! exists exactly when its comment does.

use crate::repo::{cursor_id, person};
use crate::{Db, StoreResult, Tx};
use keel_domain::ids::new_id;
use keel_domain::model::{Event, PersonRef, Task};
use keel_domain::values::TaskKey;

/// Why someone is notified.
pub const MENTION: &str = "mention";

/// Most ids one "mark read" call may name.
pub const MAX_IDS: usize = 500;

/// One notification, with what a list needs to show it.
#[derive(Debug, Clone, PartialEq)]
pub struct Notification {
    pub id: String,
    pub user_id: String,
    /// `mention`.
    pub kind: String,
    /// Who caused it.
    pub actor: PersonRef,
    pub task_key: String,
    pub task_title: String,
    pub comment_id: Option<String>,
    /// The comment's text (Markdown), for an excerpt.
    pub comment_body: Option<String>,
    pub created_at: String,
    pub read_at: Option<String>,
}

#[derive(sqlx::FromRow)]
struct NotificationRow {
    id: String,
    user_id: String,
    kind: String,
    actor_id: String,
    actor_name: String,
    actor_email: String,
    product_key: String,
    task_number: i64,
    task_title: String,
    comment_id: Option<String>,
    comment_body: Option<String>,
    created_at: String,
    read_at: Option<String>,
}

impl From<NotificationRow> for Notification {
    fn from(r: NotificationRow) -> Self {
        Notification {
            id: r.id,
            user_id: r.user_id,
            kind: r.kind,
            actor: person(r.actor_id, r.actor_name, r.actor_email),
            task_key: TaskKey::format(&r.product_key, r.task_number),
            task_title: r.task_title,
            comment_id: r.comment_id,
            comment_body: r.comment_body,
            created_at: r.created_at,
            read_at: r.read_at,
        }
    }
}

const SELECT: &str = "SELECT n.id, n.user_id, n.kind, u.id AS actor_id, u.name AS actor_name,
    u.email AS actor_email, p.key AS product_key, t.number AS task_number, t.title AS task_title,
    n.comment_id, cm.body AS comment_body, n.created_at, n.read_at
    FROM notifications n
    JOIN users u ON u.id = n.actor_id
    JOIN tasks t ON t.id = n.task_id
    JOIN products p ON p.id = t.product_id
    LEFT JOIN comments cm ON cm.id = n.comment_id";

/// Tells `user_id` that `actor_id` mentioned them in a comment on `task`,
/// and appends the event that lets their open pages update their badge.
pub async fn create_mention(
    tx: &mut Tx,
    task: &Task,
    user_id: &str,
    actor_id: &str,
    comment_id: &str,
    now: &str,
) -> StoreResult<Event> {
    let id = new_id();
    on_db!(tx.db(), c => sqlx::query(
        "INSERT INTO notifications (id, workspace_id, user_id, actor_id, kind, task_id, comment_id, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
    ).bind(&id).bind(&task.workspace_id).bind(user_id).bind(actor_id).bind(MENTION)
     .bind(&task.id).bind(comment_id).bind(now)
     .execute(c).await.map(|r| r.rows_affected()))?;
    crate::repo::events::append(
        tx,
        &task.workspace_id,
        "created",
        "notification",
        &id,
        Some(&task.key),
        now,
    )
    .await
}

/// One person's notifications in a workspace, newest first; `cursor` is
/// the last id of the previous page. Returns the page and the next cursor.
pub async fn list(
    db: Db<'_>,
    workspace_id: &str,
    user_id: &str,
    unread_only: bool,
    cursor: Option<&str>,
    limit: i64,
) -> StoreResult<(Vec<Notification>, Option<String>)> {
    let limit = limit.clamp(1, 500);
    let unread = if unread_only {
        " AND n.read_at IS NULL"
    } else {
        ""
    };
    let rows: Vec<NotificationRow> = match cursor_id(cursor) {
        Some(before) => on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{SELECT} WHERE n.workspace_id = $1 AND n.user_id = $2 AND n.id < $3{unread}
             ORDER BY n.id DESC LIMIT $4"
        ))).bind(workspace_id).bind(user_id).bind(&before).bind(limit + 1).fetch_all(c).await)?,
        None => on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{SELECT} WHERE n.workspace_id = $1 AND n.user_id = $2{unread}
             ORDER BY n.id DESC LIMIT $3"
        ))).bind(workspace_id).bind(user_id).bind(limit + 1).fetch_all(c).await)?,
    };
    let mut items: Vec<Notification> = rows.into_iter().map(Into::into).collect();
    let next = if items.len() as i64 > limit {
        items.truncate(limit as usize);
        items.last().map(|n| n.id.clone())
    } else {
        None
    };
    Ok((items, next))
}

/// The ids of a person's unread notifications about one task (opening
/// the task reads them).
pub async fn unread_for_task(
    db: Db<'_>,
    workspace_id: &str,
    user_id: &str,
    task_id: &str,
) -> StoreResult<Vec<String>> {
    let rows: Vec<(String,)> = on_db!(db, c => sqlx::query_as(
        "SELECT id FROM notifications
         WHERE workspace_id = $1 AND user_id = $2 AND task_id = $3 AND read_at IS NULL
         ORDER BY id LIMIT 500"
    ).bind(workspace_id).bind(user_id).bind(task_id).fetch_all(c).await)?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// How many of a person's notifications in a workspace are unread.
pub async fn unread_count(db: Db<'_>, workspace_id: &str, user_id: &str) -> StoreResult<i64> {
    let (n,): (i64,) = on_db!(db, c => sqlx::query_as(
        "SELECT COUNT(*) FROM notifications
         WHERE workspace_id = $1 AND user_id = $2 AND read_at IS NULL"
    ).bind(workspace_id).bind(user_id).fetch_one(c).await)?;
    Ok(n)
}

/// Marks a person's unread notifications read: all of them (`ids` is
/// `None`), or those of `ids` that are theirs (others' ids are ignored, so
/// nobody can learn whether an id exists). Returns how many changed.
pub async fn mark_read(
    tx: &mut Tx,
    workspace_id: &str,
    user_id: &str,
    ids: Option<&[String]>,
    now: &str,
) -> StoreResult<u64> {
    let mut sql = String::from(
        "UPDATE notifications SET read_at = $1
         WHERE workspace_id = $2 AND user_id = $3 AND read_at IS NULL",
    );
    if ids.is_some_and(<[String]>::is_empty) {
        return Ok(0);
    }
    let ids = ids.unwrap_or_default();
    if !ids.is_empty() {
        let placeholders: Vec<String> = (0..ids.len().min(MAX_IDS))
            .map(|i| format!("${}", i + 4))
            .collect();
        sql.push_str(&format!(" AND id IN ({})", placeholders.join(", ")));
    }
    let changed = on_db!(tx.db(), c => {
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(now)
            .bind(workspace_id)
            .bind(user_id);
        for id in ids.iter().take(MAX_IDS) {
            q = q.bind(id);
        }
        q.execute(c).await.map(|r| r.rows_affected())
    })?;
    Ok(changed)
}

//! My day: the tasks one person plans for one calendar day, in their order,
//! each checked off or not. Every function takes the person, so an item is
//! only ever read or changed by its owner. Each write appends an event
//! (kind `my_day`, the task's key as its key) in the same transaction, so
//! the person's other open tabs follow.

use crate::{Db, StoreError, StoreResult, Tx, repo};
use keel_domain::model::Event;
use keel_domain::my_day::PlannedItem;
use keel_domain::task::Status;
use keel_domain::time::Date;
use keel_domain::values::TaskKey;

/// The event kind of My day changes.
pub const KIND: &str = "my_day";

/// One planned item with what a list shows of its task.
#[derive(Debug, Clone, PartialEq)]
pub struct MyDayItem {
    pub id: String,
    pub user_id: String,
    pub task_id: String,
    pub task_key: String,
    pub task_title: String,
    pub task_status: String,
    pub task_priority: String,
    pub task_estimate: Option<f64>,
    /// `YYYY-MM-DD`.
    pub day: String,
    pub position: i64,
    /// When it was checked off; `None` while not.
    pub done_at: Option<String>,
    pub created_at: String,
}

impl MyDayItem {
    /// The item as the domain rules see it (`None` if its stored day is
    /// not a date, which the API never writes).
    pub fn planned(&self) -> Option<PlannedItem> {
        Some(PlannedItem {
            id: self.id.clone(),
            task_id: self.task_id.clone(),
            day: Date::parse("day", &self.day).ok()?,
            position: self.position,
            checked_off: self.done_at.is_some(),
            task_closed: Status::parse("status", &self.task_status).is_ok_and(|s| s.is_closed()),
        })
    }
}

#[derive(sqlx::FromRow)]
struct ItemRow {
    id: String,
    user_id: String,
    task_id: String,
    product_key: String,
    task_number: i64,
    task_title: String,
    task_status: String,
    task_priority: String,
    task_estimate: Option<f64>,
    day: String,
    position: i64,
    done_at: Option<String>,
    created_at: String,
}

impl From<ItemRow> for MyDayItem {
    fn from(r: ItemRow) -> Self {
        MyDayItem {
            id: r.id,
            user_id: r.user_id,
            task_id: r.task_id,
            task_key: TaskKey::format(&r.product_key, r.task_number),
            task_title: r.task_title,
            task_status: r.task_status,
            task_priority: r.task_priority,
            task_estimate: r.task_estimate,
            day: r.day,
            position: r.position,
            done_at: r.done_at,
            created_at: r.created_at,
        }
    }
}

const SELECT: &str = "SELECT i.id, i.user_id, i.task_id, p.key AS product_key,
    t.number AS task_number, t.title AS task_title, t.status AS task_status,
    t.priority AS task_priority, t.estimate AS task_estimate, i.day, i.position,
    i.done_at, i.created_at
    FROM my_day_items i
    JOIN tasks t ON t.id = i.task_id
    JOIN products p ON p.id = t.product_id";

/// The person's items from day `from` to day `to` (both included, as
/// `YYYY-MM-DD`), by day, then in their order.
pub async fn between(
    db: Db<'_>,
    workspace_id: &str,
    user_id: &str,
    from: &str,
    to: &str,
) -> StoreResult<Vec<MyDayItem>> {
    let rows: Vec<ItemRow> = on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE i.workspace_id = $1 AND i.user_id = $2 AND i.day >= $3 AND i.day <= $4
         ORDER BY i.day, i.position, i.id"
    ))).bind(workspace_id).bind(user_id).bind(from).bind(to).fetch_all(c).await)?;
    Ok(rows.into_iter().map(Into::into).collect())
}

/// The person's items of one day, in their order.
pub async fn on_day(
    db: Db<'_>,
    workspace_id: &str,
    user_id: &str,
    day: &str,
) -> StoreResult<Vec<MyDayItem>> {
    between(db, workspace_id, user_id, day, day).await
}

/// The most recent day before `day` on which the person planned anything.
pub async fn last_day_before(
    db: Db<'_>,
    workspace_id: &str,
    user_id: &str,
    day: &str,
) -> StoreResult<Option<String>> {
    let row: Option<(String,)> = on_db!(db, c => sqlx::query_as(
        "SELECT day FROM my_day_items WHERE workspace_id = $1 AND user_id = $2 AND day < $3
         ORDER BY day DESC LIMIT 1"
    ).bind(workspace_id).bind(user_id).bind(day).fetch_optional(c).await)?;
    Ok(row.map(|(d,)| d))
}

/// One of the person's items, by id.
pub async fn get(
    db: Db<'_>,
    workspace_id: &str,
    user_id: &str,
    id: &str,
) -> StoreResult<Option<MyDayItem>> {
    let row: Option<ItemRow> = on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE i.workspace_id = $1 AND i.user_id = $2 AND i.id = $3"
    ))).bind(workspace_id).bind(user_id).bind(id).fetch_optional(c).await)?;
    Ok(row.map(Into::into))
}

/// What [`add`] writes.
#[derive(Debug, Clone)]
pub struct NewItem<'a> {
    pub id: &'a str,
    pub workspace_id: &'a str,
    pub user_id: &'a str,
    pub task_id: &'a str,
    pub task_key: &'a str,
    pub day: &'a str,
    pub position: i64,
    pub now: &'a str,
}

/// Plans a task on a day. The same task twice on one day is a `Conflict`
/// on `my_day_items_day_task`.
pub async fn add(tx: &mut Tx, item: &NewItem<'_>) -> StoreResult<(MyDayItem, Event)> {
    on_db!(tx.db(), c => sqlx::query(
        "INSERT INTO my_day_items (id, workspace_id, user_id, task_id, day, position, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)"
    ).bind(item.id).bind(item.workspace_id).bind(item.user_id).bind(item.task_id)
     .bind(item.day).bind(item.position).bind(item.now)
     .execute(c).await.map(|r| r.rows_affected()))?;
    let event = repo::events::append(
        tx,
        item.workspace_id,
        "created",
        KIND,
        item.id,
        Some(item.task_key),
        item.now,
    )
    .await?;
    let saved = get(tx.db(), item.workspace_id, item.user_id, item.id)
        .await?
        .ok_or(StoreError::NotFound)?;
    Ok((saved, event))
}

/// Checks an item off (`done_at` a timestamp) or back on (`None`).
pub async fn set_done(
    tx: &mut Tx,
    item: &MyDayItem,
    workspace_id: &str,
    done_at: Option<&str>,
) -> StoreResult<()> {
    on_db!(tx.db(), c => sqlx::query(
        "UPDATE my_day_items SET done_at = $3 WHERE id = $1 AND workspace_id = $2"
    ).bind(&item.id).bind(workspace_id).bind(done_at)
     .execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Numbers the given items 0, 1, 2, … in the order given.
pub async fn set_positions(tx: &mut Tx, workspace_id: &str, ids: &[String]) -> StoreResult<()> {
    for (position, id) in ids.iter().enumerate() {
        on_db!(tx.db(), c => sqlx::query(
            "UPDATE my_day_items SET position = $3 WHERE id = $1 AND workspace_id = $2"
        ).bind(id).bind(workspace_id).bind(position as i64)
         .execute(c).await.map(|r| r.rows_affected()))?;
    }
    Ok(())
}

/// Appends the event of a change to `item` (checked off, moved).
pub async fn touched(
    tx: &mut Tx,
    workspace_id: &str,
    item: &MyDayItem,
    now: &str,
) -> StoreResult<Event> {
    repo::events::append(
        tx,
        workspace_id,
        "updated",
        KIND,
        &item.id,
        Some(&item.task_key),
        now,
    )
    .await
}

/// Takes an item off its day.
pub async fn delete(
    tx: &mut Tx,
    workspace_id: &str,
    item: &MyDayItem,
    now: &str,
) -> StoreResult<Event> {
    on_db!(tx.db(), c => sqlx::query(
        "DELETE FROM my_day_items WHERE id = $1 AND workspace_id = $2"
    ).bind(&item.id).bind(workspace_id).execute(c).await.map(|r| r.rows_affected()))?;
    repo::events::append(
        tx,
        workspace_id,
        "deleted",
        KIND,
        &item.id,
        Some(&item.task_key),
        now,
    )
    .await
}

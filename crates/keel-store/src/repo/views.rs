//! Saved list views: a person's named list query (filters, sort, grouping)
//! for one product. Every function takes the owner, so a view is only ever
//! read or deleted by the person who saved it. Views are private, so saving
//! or deleting one appends no event to the workspace's (shared) stream.

use crate::{Db, StoreResult, Tx};

/// Most views one person may keep in a workspace.
pub const MAX_PER_PERSON: i64 = 200;

/// One saved view.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct SavedView {
    pub id: String,
    pub workspace_id: String,
    pub user_id: String,
    pub product_id: String,
    /// The product's key, for links and the wire.
    pub product_key: String,
    pub name: String,
    /// The list's query string, as validated and normalised by the caller.
    pub query: String,
    pub created_at: String,
}

const SELECT: &str = "SELECT v.id, v.workspace_id, v.user_id, v.product_id, p.key AS product_key,
    v.name, v.query, v.created_at
    FROM saved_views v JOIN products p ON p.id = v.product_id";

/// What [`create`] writes.
#[derive(Debug, Clone)]
pub struct NewView<'a> {
    pub id: &'a str,
    pub workspace_id: &'a str,
    pub user_id: &'a str,
    pub product_id: &'a str,
    pub name: &'a str,
    pub query: &'a str,
    pub now: &'a str,
}

/// Saves a view. A second view with the same name for the same person and
/// product is a `Conflict` on `saved_views_owner_name`.
pub async fn create(tx: &mut Tx, v: &NewView<'_>) -> StoreResult<SavedView> {
    on_db!(tx.db(), c => sqlx::query(
        "INSERT INTO saved_views (id, workspace_id, user_id, product_id, name, query, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)"
    ).bind(v.id).bind(v.workspace_id).bind(v.user_id).bind(v.product_id).bind(v.name)
    .bind(v.query).bind(v.now).execute(c).await.map(|r| r.rows_affected()))?;
    get(tx.db(), v.workspace_id, v.user_id, v.id)
        .await?
        .ok_or(crate::StoreError::NotFound)
}

/// One of the person's views, by id.
pub async fn get(
    db: Db<'_>,
    workspace_id: &str,
    user_id: &str,
    id: &str,
) -> StoreResult<Option<SavedView>> {
    let row: Option<SavedView> = on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE v.workspace_id = $1 AND v.user_id = $2 AND v.id = $3"
    ))).bind(workspace_id).bind(user_id).bind(id).fetch_optional(c).await)?;
    Ok(row)
}

/// The person's views in the workspace (of one product, when given), by
/// product key and name.
pub async fn list(
    db: Db<'_>,
    workspace_id: &str,
    user_id: &str,
    product_id: Option<&str>,
) -> StoreResult<Vec<SavedView>> {
    let rows: Vec<SavedView> = match product_id {
        Some(p) => on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{SELECT} WHERE v.workspace_id = $1 AND v.user_id = $2 AND v.product_id = $3
             ORDER BY v.name, v.id"
        ))).bind(workspace_id).bind(user_id).bind(p).fetch_all(c).await)?,
        None => on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{SELECT} WHERE v.workspace_id = $1 AND v.user_id = $2 ORDER BY p.key, v.name, v.id"
        ))).bind(workspace_id).bind(user_id).fetch_all(c).await)?,
    };
    Ok(rows)
}

/// How many views the person keeps in the workspace.
pub async fn count(db: Db<'_>, workspace_id: &str, user_id: &str) -> StoreResult<i64> {
    let (n,): (i64,) = on_db!(db, c => sqlx::query_as(
        "SELECT COUNT(*) FROM saved_views WHERE workspace_id = $1 AND user_id = $2"
    ).bind(workspace_id).bind(user_id).fetch_one(c).await)?;
    Ok(n)
}

/// Deletes one of the person's views; `false` when they have no such view
/// (someone else's view is, to them, no view at all).
pub async fn delete(tx: &mut Tx, workspace_id: &str, user_id: &str, id: &str) -> StoreResult<bool> {
    let n = on_db!(tx.db(), c => sqlx::query(
        "DELETE FROM saved_views WHERE workspace_id = $1 AND user_id = $2 AND id = $3"
    ).bind(workspace_id).bind(user_id).bind(id).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(n > 0)
}

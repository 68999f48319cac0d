//! A product's vision and strategy, kept as numbered versions.
//!
//! Nothing is edited in place: each save adds version `n + 1` with its
//! author, and the newest version is the current text. `products.vision`
//! mirrors the newest vision in the same transaction, so the product
//! itself, its pages and its clients never disagree with the history.
//! A product with no versions yet has version 0: its stored vision and an
//! empty strategy.

use crate::{Db, StoreError, StoreResult, Tx, repo};
use keel_domain::ids::new_id;
use keel_domain::model::Event;

/// A saved version with its author.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct StrategyVersion {
    pub id: String,
    pub product_id: String,
    pub number: i64,
    pub vision: String,
    pub strategy: String,
    pub note: String,
    pub author_id: String,
    pub author_name: String,
    pub author_email: String,
    pub created_at: String,
}

/// `$1` the workspace, `$2` the product.
const SELECT: &str = "SELECT v.id, v.product_id, v.number, v.vision, v.strategy, v.note,
    v.author_id, u.name AS author_name, u.email AS author_email, v.created_at
    FROM strategy_versions v JOIN users u ON u.id = v.author_id
    WHERE v.workspace_id = $1 AND v.product_id = $2";

/// The newest version, if any was saved.
pub async fn latest(
    db: Db<'_>,
    workspace_id: &str,
    product_id: &str,
) -> StoreResult<Option<StrategyVersion>> {
    let row: Option<StrategyVersion> = on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT} ORDER BY v.number DESC LIMIT 1"
    ))).bind(workspace_id).bind(product_id).fetch_optional(c).await)?;
    Ok(row)
}

/// Version `number` of the product.
pub async fn get(
    db: Db<'_>,
    workspace_id: &str,
    product_id: &str,
    number: i64,
) -> StoreResult<Option<StrategyVersion>> {
    let row: Option<StrategyVersion> = on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT} AND v.number = $3"
    ))).bind(workspace_id).bind(product_id).bind(number).fetch_optional(c).await)?;
    Ok(row)
}

/// Every version, newest first.
pub async fn list(
    db: Db<'_>,
    workspace_id: &str,
    product_id: &str,
) -> StoreResult<Vec<StrategyVersion>> {
    let rows: Vec<StrategyVersion> = on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT} ORDER BY v.number DESC"
    ))).bind(workspace_id).bind(product_id).fetch_all(c).await)?;
    Ok(rows)
}

/// What a new version says.
#[derive(Debug, Clone, PartialEq)]
pub struct NewVersion<'a> {
    pub vision: &'a str,
    pub strategy: &'a str,
    pub note: &'a str,
    pub author_id: &'a str,
}

/// Adds the next version without touching the product row; for callers
/// that write `products.vision` themselves (the product PATCH). A racing
/// save of the same number fails with `Conflict` on the unique index.
pub async fn record(
    tx: &mut Tx,
    workspace_id: &str,
    product_id: &str,
    version: &NewVersion<'_>,
    now: &str,
) -> StoreResult<StrategyVersion> {
    let (last,): (i64,) = on_db!(tx.db(), c => sqlx::query_as(
        "SELECT CAST(COALESCE(MAX(number), 0) AS BIGINT) FROM strategy_versions
         WHERE workspace_id = $1 AND product_id = $2"
    ).bind(workspace_id).bind(product_id).fetch_one(c).await)?;
    let number = last + 1;
    on_db!(tx.db(), c => sqlx::query(
        "INSERT INTO strategy_versions (id, workspace_id, product_id, number, vision, strategy,
            note, author_id, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
    ).bind(new_id()).bind(workspace_id).bind(product_id).bind(number).bind(version.vision)
     .bind(version.strategy).bind(version.note).bind(version.author_id).bind(now)
     .execute(c).await.map(|r| r.rows_affected()))?;
    get(tx.db(), workspace_id, product_id, number)
        .await?
        .ok_or(StoreError::NotFound)
}

/// Saves a new version and mirrors its vision on the product (whose
/// version moves, so a stale product edit is refused), with a `product`
/// event for live pages.
pub async fn save(
    tx: &mut Tx,
    workspace_id: &str,
    product_id: &str,
    version: &NewVersion<'_>,
    now: &str,
) -> StoreResult<(StrategyVersion, Event)> {
    let saved = record(tx, workspace_id, product_id, version, now).await?;
    on_db!(tx.db(), c => sqlx::query(
        "UPDATE products SET vision = $3, updated_at = $4, version = version + 1
         WHERE workspace_id = $1 AND id = $2"
    ).bind(workspace_id).bind(product_id).bind(version.vision).bind(now)
     .execute(c).await.map(|r| r.rows_affected()))?;
    let event = repo::events::append(
        tx,
        workspace_id,
        "updated",
        "product",
        product_id,
        None,
        now,
    )
    .await?;
    Ok((saved, event))
}

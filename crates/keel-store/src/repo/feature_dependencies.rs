//! Dependencies between features of one product: "feature A depends on
//! feature B" (B must ship first; A blocks nothing, B blocks A).
//!
//! Like goal links, an edge has no version or history of its own: it is
//! written as part of the depending feature's change, whose event the
//! caller records in the same transaction. Callers check that both ends
//! are features of one product and that the edges stay acyclic (see
//! `keel_domain::feasibility`), holding the product's lock (`guard::lock`) while they read
//! and write, so two concurrent writes cannot close a cycle between them.

use crate::{Db, StoreResult, Tx};

/// One end of a dependency as a feature page shows it.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct LinkedFeature {
    pub id: String,
    pub title: String,
    pub status: String,
}

/// Every edge `(feature, depends_on)` among the product's features.
pub async fn edges_of_product(
    db: Db<'_>,
    workspace_id: &str,
    product_id: &str,
) -> StoreResult<Vec<(String, String)>> {
    let rows: Vec<(String, String)> = on_db!(db, c => sqlx::query_as(
        "SELECT d.feature_id, d.depends_on_id FROM feature_dependencies d
         JOIN features f ON f.id = d.feature_id
         WHERE d.workspace_id = $1 AND f.product_id = $2
         ORDER BY d.feature_id, d.depends_on_id"
    ).bind(workspace_id).bind(product_id).fetch_all(c).await)?;
    Ok(rows)
}

/// Every edge `(feature, depends_on)` of the workspace, for lists.
pub async fn edges_of_workspace(
    db: Db<'_>,
    workspace_id: &str,
) -> StoreResult<Vec<(String, String)>> {
    let rows: Vec<(String, String)> = on_db!(db, c => sqlx::query_as(
        "SELECT feature_id, depends_on_id FROM feature_dependencies
         WHERE workspace_id = $1 ORDER BY feature_id, depends_on_id"
    ).bind(workspace_id).fetch_all(c).await)?;
    Ok(rows)
}

/// Replaces what `feature_id` depends on with `ids` (duplicates ignored).
pub async fn set_for_feature(
    tx: &mut Tx,
    workspace_id: &str,
    feature_id: &str,
    ids: &[String],
    now: &str,
) -> StoreResult<()> {
    on_db!(tx.db(), c => sqlx::query(
        "DELETE FROM feature_dependencies WHERE workspace_id = $1 AND feature_id = $2"
    ).bind(workspace_id).bind(feature_id).execute(c).await.map(|r| r.rows_affected()))?;
    let mut seen: Vec<&String> = Vec::with_capacity(ids.len());
    for id in ids {
        if seen.contains(&id) {
            continue;
        }
        seen.push(id);
        on_db!(tx.db(), c => sqlx::query(
            "INSERT INTO feature_dependencies (workspace_id, feature_id, depends_on_id, created_at)
             VALUES ($1, $2, $3, $4)"
        ).bind(workspace_id).bind(feature_id).bind(id).bind(now)
            .execute(c).await.map(|r| r.rows_affected()))?;
    }
    Ok(())
}

/// What `feature_id` depends on, by title.
pub async fn depends_on(
    db: Db<'_>,
    workspace_id: &str,
    feature_id: &str,
) -> StoreResult<Vec<LinkedFeature>> {
    let rows: Vec<LinkedFeature> = on_db!(db, c => sqlx::query_as(
        "SELECT f.id, f.title, f.status FROM feature_dependencies d
         JOIN features f ON f.id = d.depends_on_id
         WHERE d.workspace_id = $1 AND d.feature_id = $2 ORDER BY f.title, f.id"
    ).bind(workspace_id).bind(feature_id).fetch_all(c).await)?;
    Ok(rows)
}

/// The features that depend on `feature_id` (that it blocks), by title.
pub async fn blocks(
    db: Db<'_>,
    workspace_id: &str,
    feature_id: &str,
) -> StoreResult<Vec<LinkedFeature>> {
    let rows: Vec<LinkedFeature> = on_db!(db, c => sqlx::query_as(
        "SELECT f.id, f.title, f.status FROM feature_dependencies d
         JOIN features f ON f.id = d.feature_id
         WHERE d.workspace_id = $1 AND d.depends_on_id = $2 ORDER BY f.title, f.id"
    ).bind(workspace_id).bind(feature_id).fetch_all(c).await)?;
    Ok(rows)
}

/// A task linked to a feature, as the tech-debt view lists it.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct LinkedTask {
    pub feature_id: String,
    pub product_key: String,
    pub number: i64,
    pub title: String,
    pub status: String,
}

/// The tasks linked to the product's features of `feature_type`, by key.
pub async fn tasks_of_type(
    db: Db<'_>,
    workspace_id: &str,
    product_id: &str,
    feature_type: &str,
) -> StoreResult<Vec<LinkedTask>> {
    let rows: Vec<LinkedTask> = on_db!(db, c => sqlx::query_as(
        "SELECT t.feature_id AS feature_id, p.key AS product_key, t.number, t.title, t.status
         FROM tasks t
         JOIN products p ON p.id = t.product_id
         JOIN features f ON f.id = t.feature_id
         WHERE t.workspace_id = $1 AND f.product_id = $2 AND f.feature_type = $3
         ORDER BY t.number"
    ).bind(workspace_id).bind(product_id).bind(feature_type).fetch_all(c).await)?;
    Ok(rows)
}

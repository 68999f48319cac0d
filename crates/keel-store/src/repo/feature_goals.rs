//! Links between features and the goals they move.
//!
//! The link is a plain many-to-many row: it carries no version or history of
//! its own, because it is written as part of a feature's change (the caller
//! records the feature event in the same transaction). Callers check that a
//! goal belongs to the feature's product before linking; the store only
//! keeps the rows inside one workspace.

use crate::{Db, StoreResult, Tx};

/// A goal as a feature shows it.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct LinkedGoal {
    pub id: String,
    pub title: String,
    /// The objective when this goal is a key result.
    pub parent_id: Option<String>,
}

/// A feature as a goal shows it.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct LinkedFeature {
    pub id: String,
    pub title: String,
    pub status: String,
}

/// Replaces the goals `feature_id` is linked to with `goal_ids` (duplicates
/// ignored). The caller has checked each goal is in the feature's product.
pub async fn set_for_feature(
    tx: &mut Tx,
    workspace_id: &str,
    feature_id: &str,
    goal_ids: &[String],
    now: &str,
) -> StoreResult<()> {
    on_db!(tx.db(), c => sqlx::query(
        "DELETE FROM feature_goals WHERE workspace_id = $1 AND feature_id = $2"
    ).bind(workspace_id).bind(feature_id).execute(c).await.map(|r| r.rows_affected()))?;
    let mut seen: Vec<&String> = Vec::with_capacity(goal_ids.len());
    for goal_id in goal_ids {
        if seen.contains(&goal_id) {
            continue;
        }
        seen.push(goal_id);
        on_db!(tx.db(), c => sqlx::query(
            "INSERT INTO feature_goals (workspace_id, feature_id, goal_id, created_at)
             VALUES ($1, $2, $3, $4)"
        ).bind(workspace_id).bind(feature_id).bind(goal_id).bind(now)
            .execute(c).await.map(|r| r.rows_affected()))?;
    }
    Ok(())
}

/// The goals `feature_id` moves, by title.
pub async fn goals_of_feature(
    db: Db<'_>,
    workspace_id: &str,
    feature_id: &str,
) -> StoreResult<Vec<LinkedGoal>> {
    let rows: Vec<LinkedGoal> = on_db!(db, c => sqlx::query_as(
        "SELECT g.id, g.title, g.parent_id FROM feature_goals l
         JOIN goals g ON g.id = l.goal_id
         WHERE l.workspace_id = $1 AND l.feature_id = $2
         ORDER BY g.title, g.id"
    ).bind(workspace_id).bind(feature_id).fetch_all(c).await)?;
    Ok(rows)
}

/// The features linked to `goal_id` directly, by title.
pub async fn features_of_goal(
    db: Db<'_>,
    workspace_id: &str,
    goal_id: &str,
) -> StoreResult<Vec<LinkedFeature>> {
    let rows: Vec<LinkedFeature> = on_db!(db, c => sqlx::query_as(
        "SELECT f.id, f.title, f.status FROM feature_goals l
         JOIN features f ON f.id = l.feature_id
         WHERE l.workspace_id = $1 AND l.goal_id = $2
         ORDER BY f.title, f.id"
    ).bind(workspace_id).bind(goal_id).fetch_all(c).await)?;
    Ok(rows)
}

/// Every `(feature_id, goal_id)` link of a product's features, for views
/// that group many features by goal in one query.
pub async fn links_of_product(
    db: Db<'_>,
    workspace_id: &str,
    product_id: &str,
) -> StoreResult<Vec<(String, String)>> {
    let rows: Vec<(String, String)> = on_db!(db, c => sqlx::query_as(
        "SELECT l.feature_id, l.goal_id FROM feature_goals l
         JOIN features f ON f.id = l.feature_id
         WHERE l.workspace_id = $1 AND f.product_id = $2
         ORDER BY l.feature_id, l.goal_id"
    ).bind(workspace_id).bind(product_id).fetch_all(c).await)?;
    Ok(rows)
}

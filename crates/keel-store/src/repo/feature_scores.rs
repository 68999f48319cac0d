//! Prioritization on the feature rows: the score inputs (checked by
//! `keel_domain::scoring` before they get here), the manual order of a
//! product's features, and the score history that says who changed which
//! input or rank, when, from what to what, and why.

use crate::{Db, StoreError, StoreResult, Tx, repo};
use keel_domain::model::Event;

/// The stored inputs of a feature's scores; `None` = not scored.
#[derive(Debug, Clone, Default, PartialEq, sqlx::FromRow)]
pub struct ScoreInputs {
    pub rice_reach: Option<f64>,
    pub rice_impact: Option<f64>,
    pub rice_confidence: Option<f64>,
    pub rice_effort: Option<f64>,
    pub wsjf_business_value: Option<f64>,
    pub wsjf_time_criticality: Option<f64>,
    pub wsjf_risk_reduction: Option<f64>,
    pub wsjf_job_size: Option<f64>,
    pub value_rating: Option<i64>,
    pub effort_rating: Option<i64>,
    pub moscow: Option<String>,
}

/// One change recorded in the score history.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct HistoryRow {
    pub id: String,
    pub feature_id: String,
    pub field: String,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    pub reason: String,
    pub actor_id: String,
    pub actor_name: String,
    pub actor_email: String,
    pub created_at: String,
}

/// A change about to be recorded: the input's wire name, old and new.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub field: String,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
}

/// Writes the score inputs of a feature (no version bump: the caller's
/// create or update bumps it once for the whole request).
pub async fn write(tx: &mut Tx, feature_id: &str, s: &ScoreInputs) -> StoreResult<()> {
    on_db!(tx.db(), c => sqlx::query(
        "UPDATE features SET rice_reach = $2, rice_impact = $3, rice_confidence = $4,
            rice_effort = $5, wsjf_business_value = $6, wsjf_time_criticality = $7,
            wsjf_risk_reduction = $8, wsjf_job_size = $9, value_rating = $10,
            effort_rating = $11, moscow = $12
         WHERE id = $1"
    ).bind(feature_id).bind(s.rice_reach).bind(s.rice_impact).bind(s.rice_confidence)
     .bind(s.rice_effort).bind(s.wsjf_business_value).bind(s.wsjf_time_criticality)
     .bind(s.wsjf_risk_reduction).bind(s.wsjf_job_size).bind(s.value_rating)
     .bind(s.effort_rating).bind(&s.moscow)
     .execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Appends one history row per change, all with the same reason.
pub async fn append_history(
    tx: &mut Tx,
    workspace_id: &str,
    feature_id: &str,
    changes: &[Change],
    reason: &str,
    actor_id: &str,
    now: &str,
) -> StoreResult<()> {
    for ch in changes {
        let id = keel_domain::ids::new_id();
        on_db!(tx.db(), c => sqlx::query(
            "INSERT INTO feature_score_history (id, workspace_id, feature_id, field, old_value,
                new_value, reason, actor_id, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
        ).bind(&id).bind(workspace_id).bind(feature_id).bind(&ch.field).bind(&ch.old_value)
         .bind(&ch.new_value).bind(reason).bind(actor_id).bind(now)
         .execute(c).await.map(|r| r.rows_affected()))?;
    }
    Ok(())
}

/// A feature's score history, oldest first.
pub async fn history(
    db: Db<'_>,
    workspace_id: &str,
    feature_id: &str,
) -> StoreResult<Vec<HistoryRow>> {
    let rows: Vec<HistoryRow> = on_db!(db, c => sqlx::query_as(
        "SELECT h.id, h.feature_id, h.field, h.old_value, h.new_value, h.reason, h.actor_id,
            u.name AS actor_name, u.email AS actor_email, h.created_at
         FROM feature_score_history h JOIN users u ON u.id = h.actor_id
         WHERE h.workspace_id = $1 AND h.feature_id = $2 ORDER BY h.id"
    ).bind(workspace_id).bind(feature_id).fetch_all(c).await)?;
    Ok(rows)
}

/// Gives the product's features the manual ranks 1..n in `ordered` order
/// (only rows whose rank changes are written).
pub async fn renumber(
    tx: &mut Tx,
    product_id: &str,
    ordered: &[(String, Option<i64>)],
) -> StoreResult<()> {
    for (i, (id, old)) in ordered.iter().enumerate() {
        let rank = i as i64 + 1;
        if *old == Some(rank) {
            continue;
        }
        on_db!(tx.db(), c => sqlx::query(
            "UPDATE features SET manual_rank = $3 WHERE id = $1 AND product_id = $2"
        ).bind(id).bind(product_id).bind(rank)
         .execute(c).await.map(|r| r.rows_affected()))?;
    }
    Ok(())
}

/// Bumps a feature's version and appends its `updated` event: a rank move
/// changes the feature as seen by clients without touching its fields.
/// `Stale` if its version moved.
pub async fn touch(
    tx: &mut Tx,
    current: &repo::features::Feature,
    now: &str,
) -> StoreResult<Event> {
    let changed = on_db!(tx.db(), c => sqlx::query(
        "UPDATE features SET updated_at = $3, version = version + 1 WHERE id = $1 AND version = $2"
    ).bind(&current.id).bind(current.version).bind(now)
     .execute(c).await.map(|r| r.rows_affected()))?;
    if changed == 0 {
        return Err(StoreError::Stale);
    }
    repo::events::append(
        tx,
        &current.workspace_id,
        "updated",
        repo::features::KIND,
        &current.id,
        None,
        now,
    )
    .await
}

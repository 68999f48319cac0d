//! The tech-debt budget of a cycle in storage: its target share
//! (`cycles.tech_debt_target`, checked by `keel_domain::tech_debt` before
//! it gets here) and the done work of its scope with what marks it as
//! tech debt (the task's type, the type of the task's feature).

use crate::{Db, StoreResult, Tx};

/// A done task in the cycle's scope now.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct DoneRow {
    pub task_id: String,
    pub estimate: Option<f64>,
    pub task_type: String,
    /// The type of the feature the task belongs to, if any.
    pub feature_type: Option<String>,
}

/// The cycle's target share, `None` when none is set.
pub async fn target(db: Db<'_>, cycle_id: &str) -> StoreResult<Option<f64>> {
    let row: Option<(Option<f64>,)> = on_db!(db, c => sqlx::query_as(
        "SELECT tech_debt_target FROM cycles WHERE id = $1"
    ).bind(cycle_id).fetch_optional(c).await)?;
    Ok(row.and_then(|r| r.0))
}

/// Sets (or clears) the target; the caller bumps the cycle's version with
/// `repo::cycles::touched` in the same transaction.
pub async fn set_target(tx: &mut Tx, cycle_id: &str, target: Option<f64>) -> StoreResult<()> {
    on_db!(tx.db(), c => sqlx::query(
        "UPDATE cycles SET tech_debt_target = $2 WHERE id = $1"
    ).bind(cycle_id).bind(target).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// The tasks in the cycle's scope now (an open stretch) that are done.
pub async fn done_work(db: Db<'_>, cycle_id: &str) -> StoreResult<Vec<DoneRow>> {
    let rows: Vec<DoneRow> = on_db!(db, c => sqlx::query_as(
        "SELECT t.id AS task_id, t.estimate, t.task_type, f.feature_type
         FROM cycle_tasks ct JOIN tasks t ON t.id = ct.task_id
         LEFT JOIN features f ON f.id = t.feature_id
         WHERE ct.cycle_id = $1 AND ct.removed_at IS NULL AND t.status = 'done'
         ORDER BY t.id"
    ).bind(cycle_id).fetch_all(c).await)?;
    Ok(rows)
}

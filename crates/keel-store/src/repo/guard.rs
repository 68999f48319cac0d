//! Guards for writes that read rows before they change them.
//!
//! SQLite runs one write transaction at a time, so what a transaction has
//! read stays true until it commits. PostgreSQL runs transactions side by
//! side (several instances may share one database): a write that orders,
//! numbers or checks what it read must either lock it first ([`lock`]) or
//! compare versions as it writes ([`delete_unchanged`]), or a concurrent
//! write that was told it succeeded is lost.

use crate::{Backend, StoreError, StoreResult, Tx};

/// A row whose lock serialises the writes that depend on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Locked {
    /// A product: its features' ranks and dependencies, its tasks' order.
    Product,
    /// A feature: its stories' positions.
    Feature,
    /// A roadmap: its items' lanes and positions.
    Roadmap,
    /// A cycle: its settings, checked against `If-Match`.
    Cycle,
}

impl Locked {
    fn table(self) -> &'static str {
        match self {
            Locked::Product => "products",
            Locked::Feature => "features",
            Locked::Roadmap => "roadmaps",
            Locked::Cycle => "cycles",
        }
    }
}

/// Holds row `id` of `row`'s table until the transaction ends: another
/// transaction locking it (or updating it) waits, then reads what this
/// one committed.
/// Nothing on SQLite, whose single writer already serialises writes.
pub async fn lock(tx: &mut Tx, row: Locked, id: &str) -> StoreResult<()> {
    if tx.db().backend() == Backend::Postgres {
        // NO KEY UPDATE: it serialises the writers that take it, but not
        // the share locks that inserting a row pointing at this one takes
        // (a story of the feature, a decision of the product), which
        // FOR UPDATE would block, deadlocking with whoever holds those.
        let sql = format!(
            "SELECT 1 FROM {} WHERE id = $1 FOR NO KEY UPDATE",
            row.table()
        );
        on_db!(tx.db(), c => sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id)
            .execute(c).await.map(|r| r.rows_affected()))?;
    }
    Ok(())
}

/// Deletes row `id` of `table` if its `version_column` still holds
/// `version`, the version the caller read (and checked `If-Match`
/// against). `Stale` when a concurrent write changed it in between, so a
/// change its author was told succeeded is not deleted unseen;
/// `NotFound` when a concurrent delete came first.
pub(crate) async fn delete_unchanged(
    tx: &mut Tx,
    table: &'static str,
    version_column: &'static str,
    id: &str,
    version: i64,
) -> StoreResult<()> {
    let sql = format!("DELETE FROM {table} WHERE id = $1 AND {version_column} = $2");
    let deleted = on_db!(tx.db(), c => sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).bind(version)
        .execute(c).await.map(|r| r.rows_affected()))?;
    if deleted == 1 {
        return Ok(());
    }
    let sql = format!("SELECT 1 FROM {table} WHERE id = $1");
    let still: Option<(i32,)> = on_db!(tx.db(), c => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(id).fetch_optional(c).await)?;
    Err(match still {
        Some(_) => StoreError::Stale,
        None => StoreError::NotFound,
    })
}

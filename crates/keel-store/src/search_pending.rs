//! Applying the search changes a SQLite write transaction queued, just
//! before it commits.
//!
//! The search triggers (migration `0027_search_pending`) do not write to
//! the FTS5 tables; they append to `search_pending`: `insert` with a
//! document's text, `delete` with only its number. FTS5 writes the words it
//! holds out as a new segment each time SQLite opens a savepoint, and a
//! group commit opens one per write, so writing straight from the triggers
//! left one tiny segment per write, and the merging of them, on the
//! writer's path. Applied here, once per transaction, a group of writes
//! adds one segment per kind.
//!
//! Every SQLite write transaction applies the queue before `COMMIT`: the
//! group commit of [`crate::direct`] with [`apply`], and
//! [`crate::Tx::commit`] with [`apply_sqlx`]. A
//! queue left by any other path (a statement run outside a transaction) is
//! applied by the next commit, since each application takes all of it, in
//! order. PostgreSQL has no queue: its triggers update a `tsvector`.

use crate::repo::search::fts_table;
use crate::{StoreError, StoreResult};

/// The kinds with queued changes, to pass to [`statements`].
const QUEUED_KINDS: &str = "SELECT DISTINCT kind FROM search_pending";

/// The statements that apply the queued changes of `kinds` (as read with
/// [`QUEUED_KINDS`]) and empty the queue, to run in order in the writing
/// transaction. Nothing to run when nothing is queued.
///
/// Per kind, the index loses every document with a queued delete (an
/// update queues a delete and an insert; a document added in the same
/// transaction is not in the index yet, and deleting it is a no-op), then
/// gains the documents whose last queued change is an insert, with that
/// text. That is what applying the changes one by one would leave.
pub(crate) fn statements(kinds: &[String]) -> StoreResult<Vec<String>> {
    let mut out = Vec::with_capacity(kinds.len() * 2 + 1);
    for kind in kinds {
        // The table name comes from the fixed list, never from the row.
        let (kind, table) = fts_table(kind).ok_or_else(|| {
            StoreError::Other(format!("search_pending holds the unknown kind {kind:?}"))
        })?;
        out.push(format!(
            "DELETE FROM {table} WHERE rowid IN \
             (SELECT doc FROM search_pending WHERE kind = '{kind}' AND op = 'delete')"
        ));
        out.push(format!(
            "INSERT INTO {table} (rowid, title, body) \
             SELECT doc, title, body FROM (\
                 SELECT doc, op, title, body, \
                     ROW_NUMBER() OVER (PARTITION BY doc ORDER BY seq DESC) AS latest \
                 FROM search_pending WHERE kind = '{kind}'\
             ) WHERE latest = 1 AND op = 'insert'"
        ));
    }
    if !out.is_empty() {
        out.push("DELETE FROM search_pending".to_string());
    }
    Ok(out)
}

/// Whether `message` is SQLite saying the queue does not exist: a database
/// not yet migrated to `0027` (migrations before it commit too), or one
/// without Keel's schema at all (the store's own unit tests).
fn no_queue(message: &str) -> bool {
    message.contains("no such table: search_pending")
}

/// Applies the queue on a plain SQLite connection inside its transaction.
pub(crate) fn apply(conn: &rusqlite::Connection) -> StoreResult<()> {
    let mut stmt = match conn.prepare_cached(QUEUED_KINDS) {
        Ok(stmt) => stmt,
        Err(err) if no_queue(&err.to_string()) => return Ok(()),
        Err(err) => return Err(err.into()),
    };
    let kinds = stmt
        .query_map([], |row| row.get::<_, String>(0))?
        .collect::<Result<Vec<_>, _>>()?;
    drop(stmt);
    for sql in statements(&kinds)? {
        conn.prepare_cached(&sql)?.execute([])?;
    }
    Ok(())
}

/// Applies the queue through sqlx inside the transaction of `conn`.
pub(crate) async fn apply_sqlx(conn: &mut sqlx::SqliteConnection) -> StoreResult<()> {
    let kinds: Vec<String> = match sqlx::query_scalar(QUEUED_KINDS).fetch_all(&mut *conn).await {
        Ok(kinds) => kinds,
        Err(err) if no_queue(&err.to_string()) => return Ok(()),
        Err(err) => return Err(err.into()),
    };
    for sql in statements(&kinds)? {
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_queued_runs_nothing() {
        assert!(statements(&[]).unwrap().is_empty());
    }

    #[test]
    fn each_kind_is_applied_then_the_queue_emptied() {
        let sql = statements(&["task".into(), "goal".into()]).unwrap();
        assert_eq!(sql.len(), 5);
        assert!(sql[0].starts_with("DELETE FROM search_fts_task "));
        assert!(sql[1].starts_with("INSERT INTO search_fts_task "));
        assert!(sql[3].starts_with("INSERT INTO search_fts_goal "));
        assert_eq!(sql[4], "DELETE FROM search_pending");
    }

    #[test]
    fn an_unknown_kind_is_refused() {
        let err = statements(&["task'; DROP TABLE tasks; --".into()]).unwrap_err();
        assert!(err.to_string().contains("unknown kind"), "{err}");
    }
}

//! One read transaction for the point reads of one request.
//!
//! Every SQLite read transaction takes and drops a lock in the WAL index:
//! system calls, and a mutex the two cores contend for. Reading a task by
//! key was two transactions (the token, then the task) and their locking
//! was 13 % of the server's time. [`share_point_reads`] runs a request in
//! a scope where the first point read on the pool ([`crate::direct`])
//! begins a read transaction on a connection the scope keeps, and the
//! point reads after it run in that same transaction.
//!
//! The transaction ends at the end of the scope, and before anything else
//! touches the database: a read through the pools, a write, a transaction
//! (see [`end`]). So within a request no point read sees older data than a
//! list it showed or than it wrote; a point read after those begins a new
//! transaction. Outside a scope (background work, the CLI, tests calling
//! the store directly) each point read is its own transaction, as before.
//! The scope is the request's own task: a task it spawns runs outside it,
//! so a request must not await a write made by such a task and then
//! point-read what it wrote (none does).

use crate::StoreResult;
use crate::thread_readers::{Registry, ThreadReaders, give_back};
use rusqlite::Connection;
use std::cell::RefCell;
use std::future::Future;
use std::sync::{Arc, Weak};

tokio::task_local! {
    static SCOPE: RefCell<Option<Snapshot>>;
}

/// Runs `request` with its point reads sharing one read transaction.
pub async fn share_point_reads<F: Future>(request: F) -> F::Output {
    SCOPE.scope(RefCell::new(None), request).await
}

/// Ends the scope's read transaction, if one is open: called before any
/// other use of the database.
pub(crate) fn end() {
    let _ = SCOPE.try_with(|scope| {
        if let Ok(mut scope) = scope.try_borrow_mut() {
            scope.take();
        }
    });
}

/// Runs `read` in the scope's read transaction, beginning it on a
/// connection from `readers` if none is open. `None` outside a scope, or
/// when the scope's transaction is on another database.
pub(crate) fn read<R>(
    readers: &ThreadReaders,
    open: impl FnOnce() -> StoreResult<Connection>,
    read: impl FnOnce(&Connection) -> StoreResult<R>,
) -> Option<StoreResult<R>> {
    SCOPE
        .try_with(|scope| {
            let mut scope = scope.try_borrow_mut().ok()?;
            if scope.is_none() {
                *scope = match Snapshot::begin(readers, open) {
                    Ok(snapshot) => Some(snapshot),
                    Err(err) => return Some(Err(err)),
                };
            }
            let snapshot = scope.as_ref()?;
            if Weak::as_ptr(&snapshot.database) != Arc::as_ptr(readers.database()) {
                return None;
            }
            Some(read(snapshot.conn.as_ref()?))
        })
        .ok()
        .flatten()
}

/// A connection with a read transaction open, owned by a scope.
struct Snapshot {
    /// `None` only while being dropped.
    conn: Option<Connection>,
    database: Weak<Registry>,
}

impl Snapshot {
    fn begin(
        readers: &ThreadReaders,
        open: impl FnOnce() -> StoreResult<Connection>,
    ) -> StoreResult<Snapshot> {
        let (conn, database) = readers.take(open)?;
        // Deferred: the read lock is taken by the first statement.
        conn.prepare_cached("BEGIN")?.execute([])?;
        Ok(Snapshot {
            conn: Some(conn),
            database,
        })
    }
}

impl Drop for Snapshot {
    fn drop(&mut self) {
        let Some(conn) = self.conn.take() else {
            return;
        };
        // A connection whose transaction would not end is not reused.
        let ended = conn.is_autocommit()
            || conn
                .prepare_cached("ROLLBACK")
                .and_then(|mut stmt| stmt.execute([]))
                .is_ok();
        if ended {
            give_back(&self.database, conn);
        }
    }
}

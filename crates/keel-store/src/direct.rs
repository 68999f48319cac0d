//! SQLite statements run on the calling thread, for the hottest requests.
//!
//! sqlx runs every SQLite connection on a thread of its own, so each
//! statement is a round trip to that thread and back: two thread wake-ups,
//! 45–125 µs on these machines, against a few microseconds for an indexed
//! lookup. Reading one task by key made two such trips (the token with the
//! membership, then the task), which was most of its cost.
//!
//! Here the same query texts and the same row types run on plain SQLite
//! connections, right where they are asked for, with no await in between:
//! - **point reads** (one row by key) on a small set of read-only
//!   connections; in WAL mode a reader never waits for the writer;
//! - **self-contained writes** (a [`Batch`](crate::batch::Batch) that is a
//!   whole transaction) on one read-write connection. Its mutex is the
//!   writer's turn: sqlx write transactions take it too (`Store::begin`)
//!   and keep it until they end, so this connection never waits for a
//!   lock, and the transaction runs from `BEGIN` to `COMMIT` without
//!   yielding: a dropped request cannot cut it off half-way.
//!
//! Nothing here blocks for long: each call is one short transaction on a
//! local file. Lists, searches and multi-step transactions stay on sqlx.
//! PostgreSQL is untouched; its round trips are network ones.

use crate::batch::{Param, Statement};
use crate::{StoreError, StoreResult};
use rusqlite::types::{ToSqlOutput, ValueRef};
use rusqlite::{Connection, OpenFlags};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::OwnedMutexGuard;

/// Idle read connections kept for reuse; more are opened under load and
/// closed when returned beyond this.
const MAX_IDLE_READERS: usize = 8;

/// Statements each connection keeps prepared.
const STATEMENT_CACHE: usize = 64;

/// How long a statement waits for a lock before failing. Readers in WAL mode
/// and the leased writer do not wait in practice; this only bounds the rare
/// case of another process (an offline `keel admin` command) writing.
const BUSY_TIMEOUT: Duration = Duration::from_secs(2);

/// A row type that both the sqlx path and the direct path decode, by
/// column name. Declare it with [`row_type!`].
pub trait DirectRow: Sized {
    fn from_direct(row: &rusqlite::Row<'_>) -> rusqlite::Result<Self>;
}

/// Declares a row struct once: `sqlx::FromRow` for the pools, and
/// [`DirectRow`] for [`DirectSqlite`], both by column name.
macro_rules! row_type {
    ($(#[$meta:meta])* $vis:vis struct $name:ident { $($fvis:vis $field:ident : $ty:ty),* $(,)? }) => {
        $(#[$meta])*
        #[derive(sqlx::FromRow)]
        $vis struct $name { $($fvis $field: $ty),* }

        impl $crate::direct::DirectRow for $name {
            #[allow(unused_assignments)]
            fn from_direct(row: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
                // Fields are initialised in the order written, so
                // `position` walks the columns alongside them.
                let mut position = 0;
                Ok(Self {
                    $($field: {
                        let value = $crate::direct::column(row, position, stringify!($field))?;
                        position += 1;
                        value
                    }),*
                })
            }
        }
    };
}

/// The column `name`, looked for first at `position`: row types list their
/// fields in the order of their `SELECT`, and finding a column by name
/// alone is a scan of every column name (for a task, hundreds of string
/// comparisons). Any other order still decodes, by name.
pub fn column<T: rusqlite::types::FromSql>(
    row: &rusqlite::Row<'_>,
    position: usize,
    name: &str,
) -> rusqlite::Result<T> {
    if row
        .as_ref()
        .column_name(position)
        .is_ok_and(|found| found == name)
    {
        row.get(position)
    } else {
        row.get(name)
    }
}

/// Tuples decode by position, as sqlx's do.
macro_rules! tuple_rows {
    ($($name:ident $index:tt),+) => {
        impl<$($name: rusqlite::types::FromSql),+> DirectRow for ($($name,)+) {
            fn from_direct(row: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
                Ok(($(row.get($index)?,)+))
            }
        }
    };
}

tuple_rows!(A 0);
tuple_rows!(A 0, B 1);
tuple_rows!(A 0, B 1, C 2);

impl rusqlite::ToSql for Param {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::Borrowed(match self {
            Param::Text(Some(s)) => ValueRef::Text(s.as_bytes()),
            Param::Int(Some(i)) => ValueRef::Integer(*i),
            Param::Real(Some(f)) => ValueRef::Real(*f),
            Param::Text(None) | Param::Int(None) | Param::Real(None) => ValueRef::Null,
        }))
    }
}

/// The direct connections of one SQLite database, opened on first use.
pub(crate) struct DirectSqlite {
    path: PathBuf,
    readers: Mutex<Vec<Connection>>,
    /// The write connection; holding its lock is the writer's turn. A
    /// fair (first come, first served) async mutex, so waiting writers
    /// queue without holding a thread.
    writer: Arc<tokio::sync::Mutex<Option<Connection>>>,
}

/// The turn to write to a SQLite database, held by a write transaction
/// from `BEGIN` until it commits or is dropped.
pub struct WriterTurn {
    _guard: OwnedMutexGuard<Option<Connection>>,
}

impl DirectSqlite {
    pub(crate) fn new(path: PathBuf) -> Self {
        Self {
            path,
            readers: Mutex::new(Vec::new()),
            writer: Arc::new(tokio::sync::Mutex::new(None)),
        }
    }

    /// Waits for the writer's turn, for a transaction through sqlx.
    pub(crate) async fn turn(&self) -> WriterTurn {
        WriterTurn {
            _guard: self.writer.clone().lock_owned().await,
        }
    }

    /// One row or none.
    pub(crate) fn fetch_optional<R: DirectRow>(
        &self,
        sql: &str,
        params: &[Param],
    ) -> StoreResult<Option<R>> {
        let conn = match self.idle_reader() {
            Some(conn) => conn,
            None => self.open(OpenFlags::SQLITE_OPEN_READ_ONLY)?,
        };
        let result = query_optional(&conn, sql, params);
        if let Ok(mut idle) = self.readers.lock()
            && idle.len() < MAX_IDLE_READERS
        {
            idle.push(conn);
        }
        result.map_err(Into::into)
    }

    /// Waits for the writer's turn, then runs `statements` in one immediate
    /// transaction and returns the rows of the last one; any failure rolls
    /// the whole of it back.
    pub(crate) async fn write<R: DirectRow>(
        &self,
        statements: &[Statement],
    ) -> StoreResult<Vec<R>> {
        let mut slot = self.writer.lock().await;
        if slot.is_none() {
            *slot = Some(self.open(OpenFlags::SQLITE_OPEN_READ_WRITE)?);
        }
        let Some(conn) = slot.as_mut() else {
            return Err(StoreError::Other("the direct writer is not open".into()));
        };
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let mut rows = Vec::new();
        if let Some((last, rest)) = statements.split_last() {
            for s in rest {
                let mut stmt = tx.prepare_cached(&s.sql)?;
                bind(&mut stmt, &s.params)?;
                // Stepped to the end, as a statement that returns rows
                // (a `RETURNING` nobody reads) is still run whole.
                let mut ignored = stmt.raw_query();
                while ignored.next()?.is_some() {}
            }
            let mut stmt = tx.prepare_cached(&last.sql)?;
            bind(&mut stmt, &last.params)?;
            let mut result = stmt.raw_query();
            while let Some(row) = result.next()? {
                rows.push(R::from_direct(row)?);
            }
        }
        // Dropped on an error above, the transaction rolls back.
        tx.commit()?;
        Ok(rows)
    }

    /// Forgets every connection (before the database file is closed or
    /// replaced); they are opened again on next use.
    pub(crate) async fn close(&self) {
        if let Ok(mut idle) = self.readers.lock() {
            idle.clear();
        }
        *self.writer.lock().await = None;
    }

    fn idle_reader(&self) -> Option<Connection> {
        self.readers.lock().ok().and_then(|mut idle| idle.pop())
    }

    /// A connection with the settings of the sqlx pools (see
    /// `Store::open_sqlite`): `synchronous`, `foreign_keys` and
    /// `temp_store` are per connection, the WAL journal belongs to the
    /// file.
    fn open(&self, mode: OpenFlags) -> StoreResult<Connection> {
        let conn = Connection::open_with_flags(&self.path, mode | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        conn.execute_batch(
            "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA temp_store = MEMORY;",
        )?;
        Ok(conn)
    }
}

fn query_optional<R: DirectRow>(
    conn: &Connection,
    sql: &str,
    params: &[Param],
) -> rusqlite::Result<Option<R>> {
    let mut stmt = conn.prepare_cached(sql)?;
    bind(&mut stmt, params)?;
    let mut rows = stmt.raw_query();
    match rows.next()? {
        Some(row) => R::from_direct(row).map(Some),
        None => Ok(None),
    }
}

/// Binds `params[k]` to `$(k + 1)` by name, as sqlx does: a statement may
/// use `$1` twice, or `$2` before `$1`.
fn bind(stmt: &mut rusqlite::Statement<'_>, params: &[Param]) -> rusqlite::Result<()> {
    stmt.clear_bindings();
    for (k, param) in params.iter().enumerate() {
        if let Some(index) = stmt.parameter_index(&format!("${}", k + 1))? {
            stmt.raw_bind_parameter(index, param)?;
        }
    }
    Ok(())
}

impl From<rusqlite::Error> for StoreError {
    fn from(err: rusqlite::Error) -> Self {
        use rusqlite::ffi;
        match &err {
            rusqlite::Error::QueryReturnedNoRows => StoreError::NotFound,
            rusqlite::Error::SqliteFailure(e, message) => match e.extended_code {
                ffi::SQLITE_CONSTRAINT_UNIQUE
                | ffi::SQLITE_CONSTRAINT_PRIMARYKEY
                | ffi::SQLITE_CONSTRAINT_FOREIGNKEY => {
                    StoreError::Conflict(message.clone().unwrap_or_else(|| e.to_string()))
                }
                _ if matches!(
                    e.code,
                    rusqlite::ErrorCode::DatabaseBusy
                        | rusqlite::ErrorCode::DatabaseLocked
                        | rusqlite::ErrorCode::CannotOpen
                ) =>
                {
                    StoreError::Unavailable(err.to_string())
                }
                _ => StoreError::Other(err.to_string()),
            },
            _ => StoreError::Other(err.to_string()),
        }
    }
}

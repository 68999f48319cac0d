//! One `Store` over SQLite or PostgreSQL.
//!
//! Every query is written once in the SQL subset both databases accept (`$N`
//! placeholders, `RETURNING`, `ON CONFLICT`); the [`on_db!`] macro expands the
//! same query text once per concrete pool, so there are no per-backend copies
//! to drift apart. What must differ lives in [`dialect`].
//!
//! SQLite gets one writer connection and a pool of readers: writes queue in
//! the pool instead of failing with "database is locked", and readers never
//! wait for writers (WAL). The hottest point reads (on the calling thread)
//! and self-contained write batches (on a writer thread, in groups) run the
//! same SQL without sqlx instead ([`direct`]).

mod access_cache;
mod backup;
mod checkpointer;
#[macro_use]
pub mod batch;
#[macro_use]
mod db;
#[macro_use]
mod direct;
pub mod dialect;
mod error;
pub mod export;
mod kept_in_memory;
mod list_threads;
mod migrate;
mod read_scope;
pub mod repo;
mod search_pending;
mod task_cache;
mod thread_readers;

pub use backup::{FileCheck, check_sqlite_file, checkpoint_sqlite_file};
pub use db::{Db, Tx};
pub use error::{StoreError, StoreResult};
pub use migrate::MIGRATIONS;
pub use read_scope::share_point_reads;

use direct::DirectSqlite;
use kept_in_memory::KeptInMemory;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqliteOperation, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{PgPool, SqlitePool};
use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;
use task_cache::RowChange;

/// Which database a [`Store`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Clone)]
pub(crate) enum Pools {
    Sqlite {
        read: SqlitePool,
        write: SqlitePool,
        /// Point reads and self-contained writes without sqlx's
        /// connection threads (see [`direct`]).
        direct: Arc<DirectSqlite>,
    },
    Postgres(PgPool),
}

/// The handle to the database. Cheap to clone.
#[derive(Clone)]
pub struct Store {
    pub(crate) pools: Pools,
}

/// Connection settings.
#[derive(Debug, Clone)]
pub struct StoreOptions {
    /// Reader connections for SQLite, total connections for PostgreSQL.
    pub max_connections: u32,
    /// On SQLite, memory for tasks read by key or id, kept until a write
    /// changes them, in MiB; 0 keeps none. PostgreSQL keeps none.
    pub task_cache_mib: usize,
}

/// Memory for tasks kept on SQLite by default: about 120,000 tasks of a
/// 150-character description (some 400 bytes each with their place in
/// the maps), so that a product of 100,000 tasks is read from memory,
/// while the server stays under 100 MB (BENCHMARKS.md, sessions 22
/// and 23).
pub const DEFAULT_TASK_CACHE_MIB: usize = 48;

impl Default for StoreOptions {
    fn default() -> Self {
        Self {
            max_connections: 16,
            task_cache_mib: DEFAULT_TASK_CACHE_MIB,
        }
    }
}

/// How many lists may read a SQLite database at once: no more than the
/// readers configured, nor than twice the cores. Each reads on a thread
/// with a connection (and its page cache) of its own; more threads than
/// the cores can run do not make lists faster, they only hold more memory.
fn lists_at_once(options: &StoreOptions) -> usize {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    (options.max_connections as usize).clamp(1, 2 * cores)
}

impl Store {
    /// Opens (creating if missing) the SQLite database file at `path`.
    pub async fn open_sqlite(path: &Path, options: &StoreOptions) -> StoreResult<Store> {
        let base = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // NORMAL in WAL mode: a committed transaction survives a killed
            // process (the WAL is written before commit returns); only an OS
            // crash or power loss can lose the last commits.
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            // Scratch tables (an `INSERT … SELECT` reading its own table,
            // a sort too big for a buffer) in memory: on the default, each
            // opens, unlinks and closes a file in /var/tmp, which was
            // four system calls on every task create.
            .pragma("temp_store", "MEMORY")
            .busy_timeout(Duration::from_secs(10));
        // No ping before handing out a connection: the file is local, a
        // broken connection shows as an error on the query itself, and with
        // sqlx every ping is one more round trip to the connection's thread
        // (a statement on the pool would cost two hops instead of one).
        // The writer checkpoints only as a fallback; a thread of its own
        // does it first (see `checkpointer`).
        let writer = base.clone().pragma(
            "wal_autocheckpoint",
            checkpointer::WRITER_CHECKPOINT_PAGES.to_string(),
        );
        let kept = Arc::new(KeptInMemory::new(options.task_cache_mib << 20));
        let hears = kept.clone();
        let write = SqlitePoolOptions::new()
            .test_before_acquire(false)
            .max_connections(1)
            .min_connections(1)
            .acquire_timeout(Duration::from_secs(30))
            // Every row the connection changes is reported (see
            // `kept_in_memory`).
            .after_connect(move |conn, _| {
                let kept = hears.clone();
                Box::pin(async move {
                    conn.lock_handle().await?.set_update_hook(move |change| {
                        let kind = match change.operation {
                            SqliteOperation::Insert => RowChange::Insert,
                            SqliteOperation::Delete => RowChange::Delete,
                            _ => RowChange::Update,
                        };
                        kept.row_changed(kind, change.table, change.rowid);
                    });
                    Ok(())
                })
            })
            .connect_with(writer)
            .await?;
        let read = SqlitePoolOptions::new()
            .test_before_acquire(false)
            .max_connections(options.max_connections.max(1))
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(base.read_only(true))
            .await?;
        Ok(Store {
            pools: Pools::Sqlite {
                read,
                write,
                direct: Arc::new(DirectSqlite::new(
                    path.to_path_buf(),
                    lists_at_once(options),
                    kept,
                )),
            },
        })
    }

    /// Connects to PostgreSQL.
    pub async fn open_postgres(url: &str, options: &StoreOptions) -> StoreResult<Store> {
        let opts = PgConnectOptions::from_str(url)?;
        let pool = PgPoolOptions::new()
            .max_connections(options.max_connections.max(2))
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(opts)
            .await?;
        Ok(Store {
            pools: Pools::Postgres(pool),
        })
    }

    /// Opens the database named by a URL: `postgres://…`, `sqlite://PATH` or
    /// a plain file path.
    pub async fn open(url: &str, options: &StoreOptions) -> StoreResult<Store> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Self::open_postgres(url, options).await
        } else {
            let path = url
                .strip_prefix("sqlite://")
                .or_else(|| url.strip_prefix("sqlite:"))
                .unwrap_or(url);
            Self::open_sqlite(Path::new(path), options).await
        }
    }

    pub fn backend(&self) -> Backend {
        match self.pools {
            Pools::Sqlite { .. } => Backend::Sqlite,
            Pools::Postgres(_) => Backend::Postgres,
        }
    }

    /// Applies pending migrations. Safe to call from several instances at
    /// once: PostgreSQL serialises them with an advisory lock.
    pub async fn migrate(&self) -> StoreResult<()> {
        migrate::run(self).await
    }

    /// Starts a write transaction.
    pub async fn begin(&self) -> StoreResult<Tx> {
        Ok(match &self.pools {
            Pools::Sqlite { write, direct, .. } => {
                read_scope::end();
                // The turn first: a direct write (which needs no sqlx
                // connection) and a transaction never overlap.
                let turn = direct.turn().await;
                Tx::Sqlite(write.begin().await?, turn)
            }
            Pools::Postgres(pool) => Tx::Postgres(pool.begin().await?),
        })
    }

    /// A read handle for the repository functions.
    pub fn db(&self) -> Db<'_> {
        Db::Pool(self)
    }

    /// Checks the database answers.
    pub async fn ping(&self) -> StoreResult<()> {
        on_db!(self.db(), c => sqlx::query("SELECT 1").execute(c).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Closes every connection, waiting for in-flight queries.
    pub async fn close(&self) {
        match &self.pools {
            Pools::Sqlite {
                read,
                write,
                direct,
            } => {
                direct.close().await;
                read.close().await;
                write.close().await;
            }
            Pools::Postgres(pool) => pool.close().await,
        }
    }
}

impl Store {
    /// Runs one statement outside any transaction (e.g. `CREATE DATABASE`,
    /// which PostgreSQL refuses inside one). For tests and tooling only;
    /// never pass user input. On SQLite it runs in a write transaction of
    /// its own, so that rows it adds are searchable once it returns.
    pub async fn execute_admin(&self, sql: &str) -> StoreResult<()> {
        let sql = sqlx::AssertSqlSafe(sql.to_string());
        read_scope::end();
        match &self.pools {
            Pools::Sqlite { .. } => {
                let mut tx = self.begin().await?;
                on_db!(tx.db(), c => sqlx::query(sql).execute(c).await.map(|_| ()))?;
                tx.commit().await?;
            }
            Pools::Postgres(pool) => sqlx::query(sql).execute(pool).await.map(|_| ())?,
        }
        Ok(())
    }
}

/// Announcements of events committed by any instance (PostgreSQL only).
pub struct EventListener {
    inner: sqlx::postgres::PgListener,
}

impl EventListener {
    /// The next announced event as `(workspace_id, seq)`. Reconnects by
    /// itself after a lost connection; notifications sent while it was
    /// away are lost, so callers catch up from the events table.
    pub async fn recv(&mut self) -> StoreResult<(String, i64)> {
        loop {
            let n = self.inner.recv().await?;
            if let Some((ws, seq)) = n.payload().rsplit_once(':')
                && let Ok(seq) = seq.parse()
            {
                return Ok((ws.to_string(), seq));
            }
        }
    }
}

impl Store {
    /// Listens for events committed by any instance. `None` on SQLite, where
    /// this process is the only writer.
    pub async fn listen_events(&self) -> StoreResult<Option<EventListener>> {
        match &self.pools {
            Pools::Sqlite { .. } => Ok(None),
            Pools::Postgres(pool) => {
                let mut inner = sqlx::postgres::PgListener::connect_with(pool).await?;
                inner.listen(dialect::EVENTS_CHANNEL).await?;
                Ok(Some(EventListener { inner }))
            }
        }
    }
}

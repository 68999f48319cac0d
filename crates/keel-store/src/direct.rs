//! SQLite statements run without sqlx, for the hottest requests.
//!
//! sqlx runs every SQLite connection on a thread of its own, so each
//! statement is a round trip to that thread and back: two thread wake-ups,
//! 45–125 µs on these machines, against a few microseconds for an indexed
//! lookup. Reading one task by key made two such trips (the token with the
//! membership, then the task), which was most of its cost.
//!
//! Here the same query texts and the same row types run on plain SQLite
//! connections, with no await between a statement and its answer:
//! - **point reads** (one row by key) on read-only connections, one per
//!   thread ([`crate::thread_readers`]); in WAL mode a reader never waits
//!   for the writer;
//! - **self-contained writes** (a [`Batch`](crate::batch::Batch) that is a
//!   whole transaction) on one read-write connection, driven by a thread
//!   of its own, the *writer thread*, when writes come together; a write
//!   that comes alone commits on its caller's thread. The connection's
//!   mutex is the writer's turn: sqlx write transactions take it too
//!   (`Store::begin`) and keep it until they end, so this connection never
//!   waits for a lock, and the transaction runs from `BEGIN` to `COMMIT`
//!   without yielding: a dropped request cannot cut it off half-way.
//!   Writes that queue meanwhile are committed together, each in its own
//!   savepoint ([`DirectSqlite::write`]). The commit is the one piece of a
//!   request that cannot run two at a time, and it takes hundreds of
//!   microseconds; on its own thread it no longer holds up one of the
//!   runtime's threads, which go on serving requests (and queueing the
//!   next group) meanwhile.
//!
//! - **lists** (every row of one query) on read-only connections too, but
//!   on a few threads of their own ([`crate::list_threads`]): a list may
//!   walk many rows, too long to hold a thread that serves requests. That
//!   is one hop for the whole list, where sqlx makes one per row (its
//!   connection thread hands the rows over one at a time), and the rows
//!   decode by position.
//!
//! Point reads and writes do not block for long: each is one short
//! transaction on a local file. Searches and multi-step transactions stay
//! on sqlx. PostgreSQL is untouched; its round trips are network ones.

use crate::batch::{Param, Statement};
use crate::checkpointer::{self, Checkpointer};
use crate::kept_in_memory::KeptInMemory;
use crate::list_threads::ListThreads;
use crate::read_scope;
use crate::task_cache::RowChange;
use crate::thread_readers::ThreadReaders;
use crate::{StoreError, StoreResult};
use rusqlite::types::{ToSqlOutput, ValueRef};
use rusqlite::{Connection, OpenFlags};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use tokio::sync::OwnedMutexGuard;

/// Statements each connection keeps prepared.
const STATEMENT_CACHE: usize = 64;

/// How long a statement waits for a lock before failing. Readers in WAL mode
/// and the leased writer do not wait in practice; this only bounds the rare
/// case of another process (an offline `keel admin` command) writing.
const BUSY_TIMEOUT: Duration = Duration::from_secs(2);

/// A row type that both the sqlx path and the direct path decode.
/// Declare it with [`row_type!`].
pub trait DirectRow: Sized {
    fn from_direct(row: &rusqlite::Row<'_>) -> rusqlite::Result<Self>;
}

/// Declares a row struct once: `sqlx::FromRow` for the pools (by column
/// name), and [`DirectRow`] for [`DirectSqlite`] (by position, the fields
/// in the order of the `SELECT`; see [`column`]).
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

/// The column at `position`, which must be named `name`: row types list
/// their fields in the order of their `SELECT`. Debug builds (every test)
/// check the name and fail on a mismatch; release builds trust the order,
/// as checking costs a string comparison per column of every row (about
/// 2 % of reading a task by key).
pub fn column<T: rusqlite::types::FromSql>(
    row: &rusqlite::Row<'_>,
    position: usize,
    name: &str,
) -> rusqlite::Result<T> {
    if cfg!(debug_assertions) {
        let found = row.as_ref().column_name(position)?;
        if found != name {
            return Err(rusqlite::Error::InvalidColumnName(format!(
                "field `{name}` is read from column {position}, which the query names `{found}`: \
                 list the row type's fields in the order of its SELECT"
            )));
        }
    }
    row.get(position)
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
    readers: ThreadReaders,
    /// The writer: its queue, connection and thread.
    shared: Arc<WriterShared>,
    /// Whether the writer thread runs; started by the first write.
    writer_thread: std::sync::OnceLock<bool>,
    /// The threads lists read on, each with a connection of its own.
    list_threads: ListThreads,
}

/// The turn to write to a SQLite database, held by a write transaction
/// from `BEGIN` until it commits or is dropped.
pub struct WriterTurn {
    _guard: OwnedMutexGuard<Option<Connection>>,
    checkpointer: Arc<Checkpointer>,
    kept: Arc<KeptInMemory>,
}

impl Drop for WriterTurn {
    /// The transaction that held the turn has ended, most often committed.
    fn drop(&mut self) {
        // After the commit (see `kept_in_memory`).
        self.kept.write_ended();
        self.checkpointer.committed();
    }
}

/// What the writer thread shares with the callers that queue writes.
struct WriterShared {
    path: PathBuf,
    /// Direct writes waiting for the writer's turn.
    queue: Queue,
    /// The write connection; holding its lock is the writer's turn. A
    /// fair (first come, first served) async mutex, so waiting writers
    /// queue without holding a thread.
    writer: Arc<tokio::sync::Mutex<Option<Connection>>>,
    /// Checkpoints the log after writes, off the writer's path.
    checkpointer: Arc<Checkpointer>,
    /// How many writes callers are waiting for.
    in_flight: AtomicUsize,
    /// How many writes the last group committed.
    last_group: AtomicUsize,
    /// What is kept in memory between writes; hears of every row the
    /// writers change.
    kept: Arc<KeptInMemory>,
}

impl Drop for DirectSqlite {
    /// Ends the writer thread. No write can be waiting: each borrows the
    /// store until it is answered.
    fn drop(&mut self) {
        self.shared.queue.close();
    }
}

impl DirectSqlite {
    /// `lists_at_once`: how many lists may read at the same time; `kept`
    /// hears of every row the writers change.
    pub(crate) fn new(path: PathBuf, lists_at_once: usize, kept: Arc<KeptInMemory>) -> Self {
        Self {
            readers: ThreadReaders::default(),
            shared: Arc::new(WriterShared {
                path: path.clone(),
                queue: Queue::default(),
                writer: Arc::new(tokio::sync::Mutex::new(None)),
                checkpointer: Arc::new(Checkpointer::start(path)),
                in_flight: AtomicUsize::new(0),
                last_group: AtomicUsize::new(0),
                kept,
            }),
            writer_thread: std::sync::OnceLock::new(),
            list_threads: ListThreads::new(lists_at_once),
        }
    }

    /// Tokens and workspace standing read lately.
    pub(crate) fn access(&self) -> &crate::access_cache::AccessCache {
        &self.shared.kept.access
    }

    /// Tasks read lately.
    pub(crate) fn tasks(&self) -> &crate::task_cache::TaskCache {
        &self.shared.kept.tasks
    }

    /// Waits for the writer's turn, for a transaction through sqlx.
    pub(crate) async fn turn(&self) -> WriterTurn {
        WriterTurn {
            _guard: self.shared.writer.clone().lock_owned().await,
            checkpointer: self.shared.checkpointer.clone(),
            kept: self.shared.kept.clone(),
        }
    }

    /// One row or none.
    pub(crate) fn fetch_optional<R: DirectRow>(
        &self,
        sql: &str,
        params: &[Param],
    ) -> StoreResult<Option<R>> {
        let open = || self.open(OpenFlags::SQLITE_OPEN_READ_ONLY);
        let query = |conn: &Connection| Ok(query_optional(conn, sql, params)?);
        // Inside a request, in the request's read transaction.
        if let Some(result) = read_scope::read(&self.readers, open, query) {
            return result;
        }
        self.readers.read(open, query)
    }

    /// Every row of one query, in its own read transaction, read on one of
    /// the list threads. Ends the request's point-read transaction first,
    /// as any read through the pools does.
    pub(crate) async fn fetch_all<R: DirectRow + Send + 'static>(
        self: &Arc<Self>,
        sql: String,
        params: Vec<Param>,
    ) -> StoreResult<Vec<R>> {
        read_scope::end();
        let this = self.clone();
        self.list_threads
            .run(move || {
                let open = || this.open(OpenFlags::SQLITE_OPEN_READ_ONLY);
                this.readers
                    .read(open, |conn| Ok(query_all(conn, &sql, &params)?))
            })
            .await
            .unwrap_or_else(|| {
                Err(StoreError::Unavailable(
                    "no thread could read the list".into(),
                ))
            })
    }

    /// Runs `statements` as one write of their own and returns the rows of
    /// the last one, once committed; a failing statement undoes the rest.
    ///
    /// A write that comes alone, with the writer idle, commits at once on
    /// this thread. Writes that queue up while the writer is busy are
    /// committed together (group commit): when the writer thread next gets
    /// the writer's turn, it runs every queued write, each inside its own
    /// savepoint, in one transaction. Each write still succeeds or fails
    /// alone, but the pages they share (the ends of the same indexes, the
    /// event counter) go to the WAL once per group instead of once per
    /// write. Nobody is answered before the group's `COMMIT` returns.
    pub(crate) async fn write<R: DirectRow + Send + 'static>(
        &self,
        statements: Vec<Statement>,
    ) -> StoreResult<Vec<R>> {
        // A request's later point reads must see this write.
        read_scope::end();
        let (answer, answered) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(Write::<R> { statements, answer });
        let shared = &self.shared;
        // Without the thread (the system refused one), callers commit in
        // the writer's turn themselves.
        let threaded = *self.writer_thread.get_or_init(|| {
            let shared = shared.clone();
            std::thread::Builder::new()
                .name("keel-writer".into())
                .spawn(move || shared.run_thread())
                .map_err(|err| tracing::warn!(%err, "no writer thread; requests will commit"))
                .is_ok()
        });
        // Writes coming one at a time (no other in flight, and the last
        // group was a single write), with nobody holding or waiting for
        // the turn, commit here: handing a lone write to the writer thread
        // and the answer back costs two thread wake-ups, and at one
        // connection creates run 18 % faster without them (BENCHMARKS.md,
        // session 16). Writes that come together go to the thread, which
        // groups them without holding up a thread that serves requests.
        // Nothing is awaited before the commit, so the request cannot be
        // dropped half-way through it.
        let _in_flight = InFlight::enter(&shared.in_flight);
        let one_at_a_time = shared.in_flight.load(Ordering::Acquire) == 1
            && shared.last_group.load(Ordering::Relaxed) <= 1;
        if one_at_a_time && let Ok(mut writer) = shared.writer.try_lock() {
            // The queue is empty: a queued write is still in flight. One
            // that arrives from here on queues for the writer thread.
            shared.commit_guarded(&mut writer, vec![job]);
            drop(writer);
            return answered
                .await
                .unwrap_or_else(|_| Err(StoreError::Other("the write was not run".into())));
        }
        let queued = shared.queue.push(job);
        if !threaded {
            let mut writer = shared.writer.lock().await;
            let group = shared.queue.take_all();
            // Empty when an earlier caller already ran ours in its group.
            if !group.is_empty() {
                shared.commit_guarded(&mut writer, group);
            }
        }
        let answer = answered.await;
        queued.disarm();
        answer.unwrap_or_else(|_| Err(StoreError::Other("the write was not run".into())))
    }

    /// Forgets every connection (before the database file is closed or
    /// replaced); they are opened again on next use. The checkpoint thread
    /// stops for good: should the store be used again, the writer's own
    /// checkpoints keep the log in bounds.
    pub(crate) async fn close(&self) {
        self.shared.checkpointer.stop().await;
        self.readers.close();
        *self.shared.writer.lock().await = None;
    }

    fn open(&self, mode: OpenFlags) -> StoreResult<Connection> {
        open(&self.shared.path, mode)
    }
}

impl WriterShared {
    /// The writer thread: commits whatever has queued, in the writer's
    /// turn, until the store is dropped.
    fn run_thread(&self) {
        while self.queue.wait_for_jobs() {
            let mut writer = self.writer.blocking_lock();
            let group = self.queue.take_all();
            if group.is_empty() {
                continue;
            }
            self.commit_guarded(&mut writer, group);
        }
    }

    /// [`commit_group`](Self::commit_group), surviving a panic in it.
    fn commit_guarded(&self, writer: &mut Option<Connection>, group: Vec<Job>) {
        let ran = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            self.commit_group(writer, group)
        }));
        if ran.is_err() {
            // The group's callers lost their answers in the unwinding and
            // hear that their writes did not run; closing the connection
            // rolls back what the group had begun, so the next write does
            // not find a transaction left open.
            *writer = None;
            tracing::error!("a write panicked; its group was rolled back");
        }
    }

    /// Runs `group` in one transaction on the writer (opened if need be)
    /// and answers every write in it.
    fn commit_group(&self, writer: &mut Option<Connection>, group: Vec<Job>) {
        self.last_group.store(group.len(), Ordering::Relaxed);
        let fail_all = |group: Vec<Job>, cause: String| {
            for job in group {
                job.fail(cause.clone());
            }
        };
        if writer.is_none() {
            match open(&self.path, OpenFlags::SQLITE_OPEN_READ_WRITE)
                .and_then(|conn| report_changes(conn, self.kept.clone()))
            {
                Ok(conn) => *writer = Some(conn),
                Err(err) => return fail_all(group, err.to_string()),
            }
        }
        let Some(conn) = writer.as_ref() else {
            return fail_all(group, "the direct writer is not open".into());
        };
        if let Err(err) = conn.execute_batch("BEGIN IMMEDIATE") {
            return fail_all(group, err.to_string());
        }
        let mut poisoned = false;
        let mut finishers: Vec<Finisher> = Vec::with_capacity(group.len());
        for job in group {
            if poisoned {
                // The transaction may be gone (SQLite ends it by itself on
                // some errors, such as a full disk): a savepoint now would
                // begin a transaction of its own and its release commit
                // it, landing a write its caller is told failed.
                job.fail("an earlier write in its group failed the whole transaction".into());
                continue;
            }
            finishers.push(job.run(conn, &mut poisoned));
        }
        let committed = if poisoned {
            Err("a failed write could not be undone on its own".to_string())
        } else {
            // The group's search changes, in one go (see `search_pending`).
            crate::search_pending::apply(conn)
                .map_err(|e| e.to_string())
                .and_then(|()| conn.execute_batch("COMMIT").map_err(|e| e.to_string()))
        };
        if committed.is_err() {
            // Nothing of the group stays; ignore "no transaction is active"
            // after a COMMIT that failed and already rolled back.
            let _ = conn.execute_batch("ROLLBACK");
        }
        // Before anyone is answered, so that a caller's next request is
        // not let in by an answer its own write changed, nor finds a task
        // as it was before that write.
        self.kept.write_ended();
        if committed.is_ok() {
            self.checkpointer.committed();
        }
        for finish in finishers {
            finish(committed.clone());
        }
    }
}

/// A connection with the settings of the sqlx pools (see
/// `Store::open_sqlite`): `synchronous`, `foreign_keys` and `temp_store`
/// are per connection, the WAL journal belongs to the file.
fn open(path: &std::path::Path, mode: OpenFlags) -> StoreResult<Connection> {
    let conn = Connection::open_with_flags(path, mode | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    conn.execute_batch(
        "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA temp_store = MEMORY;",
    )?;
    if mode.contains(OpenFlags::SQLITE_OPEN_READ_WRITE) {
        conn.pragma_update(
            None,
            "wal_autocheckpoint",
            checkpointer::WRITER_CHECKPOINT_PAGES,
        )?;
    }
    Ok(conn)
}

/// Has `conn` report every row it changes to `kept`.
fn report_changes(conn: Connection, kept: Arc<KeptInMemory>) -> StoreResult<Connection> {
    conn.update_hook(Some(
        move |action: rusqlite::hooks::Action, _db: &str, table: &str, row_id: i64| {
            let change = match action {
                rusqlite::hooks::Action::SQLITE_INSERT => RowChange::Insert,
                rusqlite::hooks::Action::SQLITE_DELETE => RowChange::Delete,
                _ => RowChange::Update,
            };
            kept.row_changed(change, table, row_id);
        },
    ))?;
    Ok(conn)
}

/// A write waiting in the queue, whatever its row type.
trait QueuedWrite: Send {
    /// Runs the statements on the writer, inside the group's transaction,
    /// and returns how to answer the caller once the group has committed or
    /// failed. Sets `poisoned` when a failed write could not undo its own
    /// statements, so the group must not commit.
    fn run(self: Box<Self>, conn: &Connection, poisoned: &mut bool) -> Finisher;
    /// Answers a write that never ran.
    fn fail(self: Box<Self>, cause: String);
}

type Job = Box<dyn QueuedWrite>;

/// Answers a write's caller with the group's commit outcome.
type Finisher = Box<dyn FnOnce(Result<(), String>) + Send>;

struct Write<R> {
    statements: Vec<Statement>,
    answer: tokio::sync::oneshot::Sender<StoreResult<Vec<R>>>,
}

impl<R: DirectRow + Send + 'static> QueuedWrite for Write<R> {
    fn run(self: Box<Self>, conn: &Connection, poisoned: &mut bool) -> Finisher {
        let Write { statements, answer } = *self;
        let outcome = in_savepoint(conn, poisoned, |conn| run::<R>(conn, &statements));
        Box::new(move |committed| {
            let result = match (outcome, committed) {
                (Ok(rows), Ok(())) => Ok(rows),
                (Ok(_), Err(cause)) => Err(StoreError::Unavailable(cause)),
                (Err(err), _) => Err(err),
            };
            // The caller may have gone; the write stands regardless.
            let _ = answer.send(result);
        })
    }

    fn fail(self: Box<Self>, cause: String) {
        let _ = self.answer.send(Err(StoreError::Unavailable(cause)));
    }
}

/// Counts one write in flight while it lives.
struct InFlight<'a>(&'a AtomicUsize);

impl<'a> InFlight<'a> {
    fn enter(count: &'a AtomicUsize) -> Self {
        count.fetch_add(1, Ordering::AcqRel);
        Self(count)
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Writes waiting for the writer's turn.
#[derive(Default)]
struct Queue {
    pending: Mutex<Pending>,
    /// Wakes the writer thread when a write arrives or the store closes.
    arrived: std::sync::Condvar,
}

/// What the queue's lock guards. Its few lines under the lock cannot
/// leave it half-changed, so a lock poisoned by a panic elsewhere is
/// still used: the writer thread must not stop on it while writes wait.
#[derive(Default)]
struct Pending {
    next_id: u64,
    jobs: Vec<(u64, Job)>,
    closed: bool,
}

/// A write in the queue; dropped before the write ran (its caller went
/// away while waiting), it takes the write out, so that it does not land
/// later with the next group.
struct Queued<'a> {
    queue: &'a Queue,
    id: Option<u64>,
}

impl Queue {
    fn lock(&self) -> std::sync::MutexGuard<'_, Pending> {
        self.pending.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn push(&self, job: Job) -> Queued<'_> {
        let id = {
            let mut pending = self.lock();
            let id = pending.next_id;
            pending.next_id += 1;
            pending.jobs.push((id, job));
            id
        };
        self.arrived.notify_one();
        Queued {
            queue: self,
            id: Some(id),
        }
    }

    /// Waits until a write is queued; false once the store is closing.
    fn wait_for_jobs(&self) -> bool {
        let mut pending = self.lock();
        while pending.jobs.is_empty() && !pending.closed {
            pending = self
                .arrived
                .wait(pending)
                .unwrap_or_else(PoisonError::into_inner);
        }
        !pending.closed
    }

    fn close(&self) {
        // Set under the lock, so the thread cannot miss it between its
        // check and its wait.
        self.lock().closed = true;
        self.arrived.notify_all();
    }

    fn take_all(&self) -> Vec<Job> {
        self.lock().jobs.drain(..).map(|(_, job)| job).collect()
    }
}

impl Queued<'_> {
    /// The write ran (or was taken by a group): nothing to undo on drop.
    fn disarm(mut self) {
        self.id = None;
    }
}

impl Drop for Queued<'_> {
    fn drop(&mut self) {
        if let Some(id) = self.id {
            self.queue.lock().jobs.retain(|(queued, _)| *queued != id);
        }
    }
}

/// Runs `f` inside a savepoint: kept on success, undone on failure. Sets
/// `poisoned` when the savepoint cannot be closed either way, so that the
/// group does not commit statements its caller is told failed.
fn in_savepoint<T>(
    conn: &Connection,
    poisoned: &mut bool,
    f: impl FnOnce(&Connection) -> StoreResult<T>,
) -> StoreResult<T> {
    conn.execute_batch("SAVEPOINT direct_write")?;
    match f(conn) {
        Ok(value) => match conn.execute_batch("RELEASE direct_write") {
            Ok(()) => Ok(value),
            Err(err) => {
                // Its statements are still pending in the transaction.
                *poisoned = true;
                Err(err.into())
            }
        },
        Err(err) => {
            if conn
                .execute_batch("ROLLBACK TO direct_write; RELEASE direct_write")
                .is_err()
            {
                *poisoned = true;
            }
            Err(err)
        }
    }
}

/// Runs the statements in order; the rows of the last one.
fn run<R: DirectRow>(conn: &Connection, statements: &[Statement]) -> StoreResult<Vec<R>> {
    let mut rows = Vec::new();
    let Some((last, rest)) = statements.split_last() else {
        return Ok(rows);
    };
    for s in rest {
        let mut stmt = conn.prepare_cached(&s.sql)?;
        bind(&mut stmt, &s.params)?;
        // Stepped to the end, as a statement that returns rows (a
        // `RETURNING` nobody reads) is still run whole.
        let mut ignored = stmt.raw_query();
        while ignored.next()?.is_some() {}
    }
    let mut stmt = conn.prepare_cached(&last.sql)?;
    bind(&mut stmt, &last.params)?;
    let mut result = stmt.raw_query();
    while let Some(row) = result.next()? {
        rows.push(R::from_direct(row)?);
    }
    Ok(rows)
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

fn query_all<R: DirectRow>(
    conn: &Connection,
    sql: &str,
    params: &[Param],
) -> rusqlite::Result<Vec<R>> {
    let mut stmt = conn.prepare_cached(sql)?;
    bind(&mut stmt, params)?;
    let mut rows = stmt.raw_query();
    let mut all = Vec::new();
    while let Some(row) = rows.next()? {
        all.push(R::from_direct(row)?);
    }
    Ok(all)
}

/// Binds `params[k]` to `$(k + 1)` by name, as sqlx does: a statement may
/// use `$1` twice, or `$2` before `$1`.
fn bind(stmt: &mut rusqlite::Statement<'_>, params: &[Param]) -> rusqlite::Result<()> {
    // The usual names written out, so a point read formats none.
    const NAMES: [&str; 12] = [
        "$1", "$2", "$3", "$4", "$5", "$6", "$7", "$8", "$9", "$10", "$11", "$12",
    ];
    stmt.clear_bindings();
    for (k, param) in params.iter().enumerate() {
        let index = match NAMES.get(k) {
            Some(name) => stmt.parameter_index(name)?,
            None => stmt.parameter_index(&format!("${}", k + 1))?,
        };
        if let Some(index) = index {
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

#[cfg(test)]
mod tests {
    use crate::batch::Batch;
    use crate::{Pools, Store, StoreOptions};
    use std::time::{Duration, Instant};

    /// A directory of its own for one test, removed when the test ends.
    struct ScratchDir(std::path::PathBuf);

    impl Drop for ScratchDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    async fn store_with_table() -> (Store, ScratchDir) {
        let dir =
            std::env::temp_dir().join(format!("keel-store-writer-{}", keel_domain::ids::new_id()));
        std::fs::create_dir_all(&dir).unwrap();
        let store = Store::open_sqlite(&dir.join("keel.db"), &StoreOptions::default())
            .await
            .unwrap();
        store
            .execute_admin("CREATE TABLE probe (n BIGINT NOT NULL)")
            .await
            .unwrap();
        (store, ScratchDir(dir))
    }

    fn insert(n: i64) -> Batch {
        let mut batch = Batch::new();
        batch.push(
            "INSERT INTO probe (n) VALUES ($1) RETURNING n",
            vec![n.into()],
        );
        batch
    }

    /// Writes queued behind a transaction wait for its end, then all land.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn writes_wait_for_the_turn_then_commit() {
        let (store, _dir) = store_with_table().await;
        let tx = store.begin().await.unwrap();
        let writes: Vec<_> = (0..10i64)
            .map(|n| {
                let store = store.clone();
                tokio::spawn(async move { insert(n).commit_alone::<(i64,)>(&store).await })
            })
            .collect();
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert!(
            writes.iter().all(|w| !w.is_finished()),
            "a write committed while a transaction held the turn"
        );
        tx.commit().await.unwrap();
        for (n, write) in writes.into_iter().enumerate() {
            assert_eq!(write.await.unwrap().unwrap(), vec![(n as i64,)]);
        }
    }

    /// A write whose caller goes away while it waits in the queue leaves
    /// the queue with it: it does not land with a later group.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_write_whose_caller_left_never_lands() {
        let (store, _dir) = store_with_table().await;
        let tx = store.begin().await.unwrap();
        let abandoned = {
            let store = store.clone();
            tokio::spawn(async move { insert(1).commit_alone::<(i64,)>(&store).await })
        };
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert!(!abandoned.is_finished(), "the write did not wait its turn");
        abandoned.abort();
        assert!(abandoned.await.unwrap_err().is_cancelled());
        tx.commit().await.unwrap();
        insert(2).commit_alone::<(i64,)>(&store).await.unwrap();
        let rows: Vec<(i64,)> = store
            .db()
            .fetch_all("SELECT n FROM probe ORDER BY n".into(), vec![])
            .await
            .unwrap();
        assert_eq!(rows, vec![(2,)]);
    }

    /// Writes that come alone (committed on their callers' threads) and
    /// writes that come together (grouped by the writer thread), one
    /// after the other, each land exactly once.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn lone_and_grouped_writes_each_land_once() {
        let (store, _dir) = store_with_table().await;
        let mut expected = Vec::new();
        for round in 0..3i64 {
            let lone = round * 100;
            assert_eq!(
                insert(lone).commit_alone::<(i64,)>(&store).await.unwrap(),
                vec![(lone,)]
            );
            expected.push(lone);
            let burst: Vec<_> = (1..=24)
                .map(|n| {
                    let store = store.clone();
                    let n = lone + n;
                    tokio::spawn(async move { insert(n).commit_alone::<(i64,)>(&store).await })
                })
                .collect();
            for (n, write) in (lone + 1..).zip(burst) {
                assert_eq!(write.await.unwrap().unwrap(), vec![(n,)]);
                expected.push(n);
            }
        }
        let rows: Vec<(i64,)> = store
            .db()
            .fetch_all("SELECT n FROM probe ORDER BY n".into(), vec![])
            .await
            .unwrap();
        let landed: Vec<i64> = rows.into_iter().map(|(n,)| n).collect();
        assert_eq!(landed, expected);
    }

    /// A write that ends the whole group's transaction (as SQLite does by
    /// itself on a full disk or an I/O error) fails the group: the writes
    /// after it in the group are not run, so none of them lands while its
    /// caller is told it failed.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_write_that_ends_the_transaction_fails_its_group() {
        let (store, _dir) = store_with_table().await;
        let mut ends_transaction = Batch::new();
        ends_transaction.push("ROLLBACK", vec![]);
        ends_transaction.push(
            "INSERT INTO no_such_table (n) VALUES (1) RETURNING n",
            vec![],
        );
        // Held, so that the three writes queue and run as one group, in
        // the order they were queued.
        let tx = store.begin().await.unwrap();
        let mut writes = Vec::new();
        for batch in [insert(1), ends_transaction, insert(3)] {
            let store = store.clone();
            writes.push(tokio::spawn(async move {
                batch.commit_alone::<(i64,)>(&store).await
            }));
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        tx.commit().await.unwrap();
        for write in writes {
            assert!(
                write.await.unwrap().is_err(),
                "a write of the failed group succeeded"
            );
        }
        let rows: Vec<(i64,)> = store
            .db()
            .fetch_all("SELECT n FROM probe ORDER BY n".into(), vec![])
            .await
            .unwrap();
        assert_eq!(rows, vec![], "a write of the failed group landed");
        // The writer goes on with the next write.
        assert_eq!(
            insert(4).commit_alone::<(i64,)>(&store).await.unwrap(),
            vec![(4,)]
        );
    }

    /// The writer thread ends with the store that started it.
    #[tokio::test]
    async fn the_writer_thread_ends_with_its_store() {
        let (store, _dir) = store_with_table().await;
        insert(1).commit_alone::<(i64,)>(&store).await.unwrap();
        let Pools::Sqlite { direct, .. } = &store.pools else {
            unreachable!("a SQLite store")
        };
        assert_eq!(direct.writer_thread.get(), Some(&true));
        let shared = std::sync::Arc::downgrade(&direct.shared);
        drop(store);
        // The thread holds the writer until it returns.
        let deadline = Instant::now() + Duration::from_secs(10);
        while shared.upgrade().is_some() {
            assert!(Instant::now() < deadline, "the writer thread still runs");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}

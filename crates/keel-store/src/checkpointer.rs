//! Copies the SQLite write-ahead log back into the database file on a
//! thread of its own, so that the writer does not.
//!
//! By default SQLite checkpoints inside the `COMMIT` that takes the log
//! past 1,000 pages: that commit copies every page in the log into the
//! file and waits for two `fsync`s, while every queued write waits behind
//! it. In session 9's profile that was 7.5 % of a create's CPU; BENCHMARKS.md
//! (session 10) has creates before and after this module.
//!
//! Here a thread with its own connection runs a `PASSIVE` checkpoint soon
//! after writes commit, at most once per [`INTERVAL`]. A passive checkpoint
//! takes no lock that the writer or the readers wait for; it copies what
//! it can and leaves the rest for the next round.
//!
//! SQLite starts the log again from the top only when a write begins with
//! everything in it already copied, which a steady stream of writes seldom
//! allows. So the writers keep an automatic checkpoint, at
//! [`WRITER_CHECKPOINT_PAGES`]: it runs inside a commit, with no other
//! write in between, so the next write can restart the log. By then this
//! thread has copied nearly all of it, and that checkpoint finds little
//! left to do. It is also the fallback should this thread be gone.
//!
//! A checkpoint only moves committed pages from one file to another; a
//! failed one loses nothing and is simply tried again after the next
//! write.

use rusqlite::{Connection, OpenFlags};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::mpsc::{Receiver, SyncSender};
use std::thread::JoinHandle;
use std::time::Duration;

/// The shortest time between two checkpoints of this thread: short enough
/// to keep the log to a few hundred pages under a heavy write load, long
/// enough that each checkpoint's two `fsync`s are shared by many commits.
const INTERVAL: Duration = Duration::from_millis(20);

/// The log size (in pages) at which a writer's commit checkpoints by
/// itself, in place of SQLite's default of 1,000; see the module docs.
pub(crate) const WRITER_CHECKPOINT_PAGES: u32 = 4_000;

/// The checkpoint thread of one database.
pub(crate) struct Checkpointer {
    /// Wakes the thread after a commit; `None` once stopped. A channel of
    /// one: commits that find it full are covered by the wake-up already
    /// waiting.
    wake: Mutex<Option<SyncSender<()>>>,
    thread: Mutex<Option<JoinHandle<()>>>,
}

impl Checkpointer {
    /// Starts the thread for the database at `path`. It opens its
    /// connection at its first checkpoint. Without a thread (the system
    /// refused one), the writers' own checkpoints do the work.
    pub(crate) fn start(path: PathBuf) -> Self {
        let (wake, woken) = std::sync::mpsc::sync_channel(1);
        let thread = std::thread::Builder::new()
            .name("keel-checkpoint".into())
            .spawn(move || run(path, woken))
            .map_err(|err| tracing::warn!(%err, "no checkpoint thread; writers will checkpoint"))
            .ok();
        Self {
            wake: Mutex::new(thread.as_ref().map(|_| wake)),
            thread: Mutex::new(thread),
        }
    }

    /// Tells the thread that a write committed. Never blocks.
    pub(crate) fn committed(&self) {
        if let Ok(wake) = self.wake.lock()
            && let Some(wake) = wake.as_ref()
        {
            // Full: a wake-up is already waiting. Disconnected: stopped.
            let _ = wake.try_send(());
        }
    }

    /// Stops the thread once its current checkpoint (if any) is done, and
    /// closes its connection.
    pub(crate) async fn stop(&self) {
        if let Ok(mut wake) = self.wake.lock() {
            wake.take();
        }
        let thread = self.thread.lock().ok().and_then(|mut t| t.take());
        if let Some(thread) = thread {
            let _ = tokio::task::spawn_blocking(move || thread.join()).await;
        }
    }
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        // The thread sees the channel close and ends by itself.
        if let Ok(mut wake) = self.wake.lock() {
            wake.take();
        }
    }
}

/// The thread: waits for a commit, checkpoints, rests for [`INTERVAL`],
/// and again; ends when the channel closes.
fn run(path: PathBuf, woken: Receiver<()>) {
    let mut conn: Option<Connection> = None;
    while woken.recv().is_ok() {
        checkpoint(&path, &mut conn);
        // Commits during the rest leave their one wake-up in the channel.
        std::thread::sleep(INTERVAL);
    }
}

/// One passive checkpoint, opening the connection if need be. Failures
/// are logged and forgotten: the next commit brings another try.
fn checkpoint(path: &Path, conn: &mut Option<Connection>) {
    if conn.is_none() {
        match open(path) {
            Ok(opened) => *conn = Some(opened),
            Err(err) => {
                tracing::debug!(%err, "checkpoint connection not opened");
                return;
            }
        }
    }
    let Some(c) = conn.as_ref() else { return };
    if let Err(err) = c.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(())) {
        tracing::debug!(%err, "passive checkpoint failed");
        // Opened afresh next time, in case the connection is the problem.
        *conn = None;
    }
}

fn open(path: &Path) -> rusqlite::Result<Connection> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    // As on every connection: `NORMAL` syncs the log before copying it and
    // the file after, which is what makes a checkpoint safe.
    conn.execute_batch("PRAGMA synchronous = NORMAL;")?;
    Ok(conn)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use crate::batch::Batch;
    use crate::{Store, StoreOptions};
    use std::path::Path;
    use std::time::{Duration, Instant};

    /// In WAL mode only a checkpoint writes to the database file itself,
    /// so the file growing shows that one ran.
    async fn wait_for_file_to_reach(path: &Path, len: u64) -> u64 {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let now = std::fs::metadata(path).unwrap().len();
            if now >= len || Instant::now() > deadline {
                return now;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    fn note(kib: usize) -> Batch {
        let mut batch = Batch::new();
        batch.push(
            "INSERT INTO notes (body) VALUES ($1) RETURNING length(body)",
            vec!["x".repeat(kib * 1024).as_str().into()],
        );
        batch
    }

    #[tokio::test]
    async fn commits_are_checkpointed_long_before_the_writer_would() {
        let dir = std::env::temp_dir().join(format!(
            "keel-store-checkpoint-{}",
            keel_domain::ids::new_id()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("keel.db");
        let store = Store::open_sqlite(&path, &StoreOptions::default())
            .await
            .unwrap();
        store
            .execute_admin("CREATE TABLE notes (body TEXT NOT NULL)")
            .await
            .unwrap();
        let start = std::fs::metadata(&path).unwrap().len();

        // Direct writes: 1 MiB, about 260 pages, far below the 4,000 at
        // which a writer checkpoints by itself.
        for _ in 0..16 {
            let rows: Vec<(i64,)> = note(64).commit_alone(&store).await.unwrap();
            assert_eq!(rows, vec![(65_536,)]);
        }
        let after_direct = wait_for_file_to_reach(&path, start + 1024 * 1024).await;
        assert!(
            after_direct >= start + 1024 * 1024,
            "the database file stayed at {after_direct} bytes (from {start}): no checkpoint ran"
        );

        // A transaction through sqlx, which holds the writer's turn.
        let mut tx = store.begin().await.unwrap();
        for _ in 0..16 {
            note(64).execute(&mut tx).await.unwrap();
        }
        tx.commit().await.unwrap();
        let after_tx = wait_for_file_to_reach(&path, after_direct + 1024 * 1024).await;
        assert!(
            after_tx >= after_direct + 1024 * 1024,
            "the database file stayed at {after_tx} bytes (from {after_direct}) after a transaction"
        );

        store.close().await;
        let _ = std::fs::remove_dir_all(&dir);
    }
}

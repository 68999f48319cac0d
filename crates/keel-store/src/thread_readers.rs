//! Read connections kept one per thread.
//!
//! A point read is a few microseconds of SQLite work, and much of it is
//! touching the connection's own memory: its page cache, its small-block
//! allocator, its prepared statements. A connection handed between the two
//! cores from one request to the next, as a shared pool does, finds all of
//! that in the other core's cache. Here each thread that reads keeps its
//! own connection to each database, so the connection stays warm where it
//! is used, and taking it is an uncontended lock instead of a shared one.
//!
//! A request that reads twice in one transaction ([`crate::read_scope`])
//! takes the thread's connection out for a while and gives it back after;
//! a thread keeps a few, so other requests it serves meanwhile need not
//! open one.
//!
//! The database keeps a list of every thread's slot, so that
//! [`ThreadReaders::close`] closes them all; a thread that ends closes its
//! own.

use crate::StoreResult;
use rusqlite::Connection;
use std::cell::RefCell;
use std::sync::{Arc, Mutex, PoisonError, Weak};

/// One thread's idle connections to one database: none until first used,
/// and none again once the database is closed.
type Slot = Mutex<Vec<Connection>>;

/// Idle connections a thread keeps per database.
const KEPT_PER_THREAD: usize = 3;

/// Every thread's slot of one database.
pub(crate) type Registry = Mutex<Vec<Weak<Slot>>>;

/// A slot as the thread holds it: the thread owns it, the database only
/// points at it.
struct Held {
    database: Weak<Registry>,
    slot: Arc<Slot>,
}

thread_local! {
    static HELD: RefCell<Vec<Held>> = const { RefCell::new(Vec::new()) };
}

/// The read connections of one database, one per thread that reads it.
#[derive(Default)]
pub(crate) struct ThreadReaders {
    registry: Arc<Registry>,
}

impl ThreadReaders {
    /// Runs `read` on this thread's connection, opened with `open` the first
    /// time (or after [`close`](Self::close)).
    pub(crate) fn read<R>(
        &self,
        open: impl FnOnce() -> StoreResult<Connection>,
        read: impl FnOnce(&Connection) -> StoreResult<R>,
    ) -> StoreResult<R> {
        let Some(slot) = self.this_threads_slot() else {
            // The thread is ending (its thread-locals are being dropped):
            // a connection for this one read.
            return read(&open()?);
        };
        let mut idle = slot.lock().unwrap_or_else(PoisonError::into_inner);
        match idle.last() {
            Some(conn) => read(conn),
            None => {
                let conn = open()?;
                let result = read(&conn);
                idle.push(conn);
                result
            }
        }
    }

    /// Takes one of this thread's connections (or a new one) for a while;
    /// hand it back with [`give_back`].
    pub(crate) fn take(
        &self,
        open: impl FnOnce() -> StoreResult<Connection>,
    ) -> StoreResult<(Connection, Weak<Registry>)> {
        let idle = self
            .this_threads_slot()
            .and_then(|slot| slot.lock().unwrap_or_else(PoisonError::into_inner).pop());
        let conn = match idle {
            Some(conn) => conn,
            None => open()?,
        };
        Ok((conn, Arc::downgrade(&self.registry)))
    }

    /// Closes every thread's connection; each thread opens a new one on
    /// its next read.
    pub(crate) fn close(&self) {
        let mut registry = self.registry.lock().unwrap_or_else(PoisonError::into_inner);
        for slot in registry.iter().filter_map(Weak::upgrade) {
            slot.lock().unwrap_or_else(PoisonError::into_inner).clear();
        }
        registry.retain(|slot| slot.strong_count() > 0);
    }

    /// What identifies the database to [`give_back`].
    pub(crate) fn database(&self) -> &Arc<Registry> {
        &self.registry
    }

    fn this_threads_slot(&self) -> Option<Arc<Slot>> {
        slot_on_this_thread(&self.registry)
    }
}

/// Returns a connection from [`ThreadReaders::take`] to the idle ones of
/// the thread it is on now (which may not be the one it came from); closes
/// it when that thread has enough or the database is gone.
pub(crate) fn give_back(database: &Weak<Registry>, conn: Connection) {
    let Some(registry) = database.upgrade() else {
        return;
    };
    if let Some(slot) = slot_on_this_thread(&registry) {
        let mut idle = slot.lock().unwrap_or_else(PoisonError::into_inner);
        if idle.len() < KEPT_PER_THREAD {
            idle.push(conn);
        }
    }
}

/// This thread's slot for the database of `registry`, made on first use;
/// `None` while the thread's locals are being dropped.
fn slot_on_this_thread(registry: &Arc<Registry>) -> Option<Arc<Slot>> {
    HELD.try_with(|held| {
        let mut held = held.try_borrow_mut().ok()?;
        // Forget the slots of databases that are gone.
        held.retain(|h| h.database.strong_count() > 0);
        let mine = Arc::as_ptr(registry);
        if let Some(h) = held.iter().find(|h| Weak::as_ptr(&h.database) == mine) {
            return Some(h.slot.clone());
        }
        let slot = Arc::new(Slot::default());
        let mut slots = registry.lock().unwrap_or_else(PoisonError::into_inner);
        // Slots of threads that have ended are dead weak pointers.
        slots.retain(|slot| slot.strong_count() > 0);
        slots.push(Arc::downgrade(&slot));
        held.push(Held {
            database: Arc::downgrade(registry),
            slot: slot.clone(),
        });
        Some(slot)
    })
    .ok()
    .flatten()
}

impl Drop for ThreadReaders {
    /// Closes the connections now rather than when their threads next read
    /// or end: the file may be about to be replaced or removed.
    fn drop(&mut self) {
        self.close();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn memory() -> StoreResult<Connection> {
        Ok(Connection::open_in_memory()?)
    }

    fn opened(readers: &ThreadReaders, counter: &std::sync::atomic::AtomicUsize) -> usize {
        readers
            .read(
                || {
                    counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    memory()
                },
                |_| Ok(()),
            )
            .ok();
        counter.load(std::sync::atomic::Ordering::SeqCst)
    }

    #[test]
    fn one_connection_per_thread_reopened_after_close() {
        let readers = ThreadReaders::default();
        let opens = std::sync::atomic::AtomicUsize::new(0);
        assert_eq!(opened(&readers, &opens), 1);
        assert_eq!(opened(&readers, &opens), 1, "the same thread reuses it");
        std::thread::scope(|s| {
            s.spawn(|| assert_eq!(opened(&readers, &opens), 2, "another thread opens its own"));
        });
        readers.close();
        assert_eq!(opened(&readers, &opens), 3, "closed, then opened again");
    }

    #[test]
    fn dropping_the_database_closes_this_threads_connection() {
        let opens = std::sync::atomic::AtomicUsize::new(0);
        let first = ThreadReaders::default();
        opened(&first, &opens);
        let slot = first.this_threads_slot();
        drop(first);
        assert!(slot.is_some_and(|s| s.lock().map(|c| c.is_empty()).unwrap_or(false)));
        // A second database on the same thread gets a slot of its own.
        let second = ThreadReaders::default();
        assert_eq!(opened(&second, &opens), 2);
        assert_eq!(
            HELD.with(|h| h.borrow().len()),
            1,
            "the dead one was forgotten"
        );
    }
}

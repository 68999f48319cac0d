//! What a SQLite store keeps in memory between the writes that change it:
//! tokens with their workspace standing ([`AccessCache`]) and tasks read
//! by key or id ([`TaskCache`]).
//!
//! Both writer connections (the direct one and sqlx's) report every row
//! they change here, through SQLite's update hook, and the end of every
//! write's turn, committed or not. Each cache decides what a change means
//! for what it keeps.

use crate::access_cache::AccessCache;
use crate::task_cache::{RowChange, TaskCache};

pub(crate) struct KeptInMemory {
    pub(crate) access: AccessCache,
    pub(crate) tasks: TaskCache,
}

impl KeptInMemory {
    /// Keeps at most about `task_budget` bytes of tasks; 0 keeps none.
    pub(crate) fn new(task_budget: usize) -> Self {
        Self {
            access: AccessCache::default(),
            tasks: TaskCache::new(task_budget),
        }
    }

    /// Called by a writer connection's update hook for every row it
    /// changes, while its write holds the writer's turn.
    pub(crate) fn row_changed(&self, change: RowChange, table: &str, row_id: i64) {
        self.access.row_changed(change == RowChange::Insert, table);
        self.tasks.changed(change, table, row_id);
    }

    /// The write that held the writer's turn has ended, after its `COMMIT`
    /// or `ROLLBACK` and before anyone is answered.
    pub(crate) fn write_ended(&self) {
        self.access.write_ended();
        self.tasks.write_ended();
    }
}

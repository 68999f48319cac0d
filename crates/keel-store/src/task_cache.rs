//! Tasks read by key or id, kept in memory on SQLite until a write changes
//! them.
//!
//! Reading one task by key is the most frequent read of the API and the
//! CLI, and on SQLite most of its cost is the database's: the read
//! transaction's locks, the B-tree descents and the pages they read
//! (BENCHMARKS.md, sessions 15, 20 and 22). A task read once is therefore
//! kept as a compact record ([`record`]) until a write changes it.
//!
//! **Bounded memory.** Records are appended to chunks of [`CHUNK`] bytes,
//! in the order they are kept, and the oldest chunk goes first, whole,
//! when the budget is spent; a chunk whose tasks have all changed is
//! freed at once. The budget counts the chunks and an estimate of the
//! maps that find a task, so what the cache holds stays within it however
//! many tasks come and go (no heap fragmented by one small allocation per
//! task).
//!
//! **Staying current.** Every write on SQLite goes through this process's
//! two writer connections (`keel serve` refuses to start beside another
//! server on the same data directory), and both report each row they change to
//! [`TaskCache::changed`] (SQLite's update hook). When the write's turn
//! ends, committed or not, [`TaskCache::write_ended`] drops the tasks it
//! changed. A task's JSON also shows its product's key, its assignee's and
//! creator's names, its team's key and its parent's key: product keys and a
//! task's product never change, and a change to a user or a team drops
//! every kept task. The offline CLI only creates accounts, and `keel
//! restore` cannot run beside a server. The hook does not hear of rows
//! removed by `INSERT OR REPLACE`, nor of a table emptied by a bare
//! `DELETE` without triggers: Keel writes neither to these tables (the
//! store-contract test `a_kept_task_is_never_older_than_what_committed`
//! walks the ways a task changes).
//!
//! **No stale answers.** A task is only kept if no write that changed tasks
//! has ended since the caller read [`TaskCache::generation`], which it
//! must do before the snapshot the task is read from begins. So a task
//! read before a change committed can never be kept after that change
//! dropped it.
//!
//! PostgreSQL has no cache: another instance may change a task.

mod record;

use record::{Record, Shared};
use std::collections::hash_map::RandomState;
use std::collections::{HashMap, VecDeque};
use std::hash::BuildHasher;
use std::sync::{Mutex, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

use keel_domain::model::Task;

/// Records are kept in chunks of this many bytes.
const CHUNK: usize = 256 << 10;

/// Tasks whose record is larger than this are not kept (a long
/// description); reading them from the database costs little against
/// sending them.
const MAX_RECORD: usize = CHUNK / 8;

/// What the maps cost per kept task (a slot in each of three hash maps at
/// their load factor), counted against the budget.
const INDEX_BYTES: usize = 80;

/// A row change reported by SQLite's update hook.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RowChange {
    Insert,
    Update,
    Delete,
}

/// The tasks kept, and what the write in progress has changed.
pub(crate) struct TaskCache {
    /// At most this many bytes of chunks and maps; less than one chunk
    /// keeps none.
    budget: usize,
    /// Rows changed by the write that holds the writer's turn.
    pending: Mutex<Pending>,
    /// Read-locked by hits, so requests on both cores find tasks at the
    /// same time; write-locked to keep, drop and count.
    kept: RwLock<Kept>,
}

#[derive(Default)]
struct Pending {
    /// Row ids of `tasks` updated or deleted.
    tasks: Vec<i64>,
    /// A user or a team was changed: every kept task may show it.
    everything: bool,
}

/// Where a record is: its chunk's number and its offset in the chunk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Place {
    chunk: u32,
    offset: u32,
}

struct Chunk {
    /// Records, one after another; empty (no capacity) once freed.
    bytes: Vec<u8>,
    /// How many of its records are still current.
    live: u32,
}

#[derive(Default)]
struct Kept {
    /// How many writes that changed tasks have ended.
    generation: u64,
    /// Row id of `tasks` → its record.
    rows: HashMap<i64, Place>,
    /// (workspace, product key, number), as shared names → its record.
    /// The record itself, not its row id, so that a hit looks up one map.
    by_key: HashMap<(u32, u32, u32), Place>,
    /// Hash of a task's id → its record; a hit compares the record's own id.
    by_id: HashMap<u64, Place>,
    ids: RandomState,
    /// Oldest first; `chunks[0]` is chunk number `first_chunk`.
    chunks: VecDeque<Chunk>,
    first_chunk: u32,
    /// Chunks that hold memory (not freed).
    allocated: usize,
    shared: Shared,
}

impl TaskCache {
    /// A cache that holds at most about `budget` bytes.
    pub(crate) fn new(budget: usize) -> Self {
        Self {
            budget,
            pending: Mutex::default(),
            kept: RwLock::default(),
        }
    }

    fn writing(&self) -> RwLockWriteGuard<'_, Kept> {
        self.kept.write().unwrap_or_else(PoisonError::into_inner)
    }

    fn reading(&self) -> RwLockReadGuard<'_, Kept> {
        self.kept.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn pending(&self) -> std::sync::MutexGuard<'_, Pending> {
        self.pending.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Whether tasks are kept at all.
    pub(crate) fn enabled(&self) -> bool {
        self.budget >= CHUNK + INDEX_BYTES
    }

    /// The current generation. Read it before the snapshot a task is read
    /// from begins, and pass it to [`keep`](Self::keep).
    pub(crate) fn generation(&self) -> u64 {
        self.reading().generation
    }

    /// The kept task `wanted` of the workspace: by id, or by key (such as
    /// `KEEL-42`) already parsed into product and number.
    pub(crate) fn get(&self, workspace_id: &str, wanted: Wanted<'_>) -> Option<Task> {
        let kept = self.reading();
        let workspace = kept.shared.find(workspace_id)?;
        let place = match wanted {
            Wanted::Key { product, number } => {
                let product = kept.shared.find(product)?;
                let number = u32::try_from(number).ok()?;
                kept.by_key.get(&(workspace, product, number))?
            }
            Wanted::Id(id) => kept.by_id.get(&kept.ids.hash_one(id))?,
        };
        let record = kept.record(*place);
        // Never another workspace's task, whatever it was asked for by.
        if record.workspace() != workspace {
            return None;
        }
        if let Wanted::Id(id) = wanted
            && record.id() != id
        {
            return None;
        }
        Some(record.to_task(&kept.shared))
    }

    /// Keeps `task`, read from a snapshot begun after `generation` was
    /// read, unless a write that changed tasks has ended since. `row_id`
    /// is its row id in `tasks`.
    pub(crate) fn keep(&self, generation: u64, row_id: i64, task: &Task) {
        if !self.enabled() {
            return;
        }
        let mut kept = self.writing();
        if kept.generation != generation {
            return;
        }
        kept.forget(row_id);
        let mut record = Vec::with_capacity(512);
        if record::encode(task, row_id, &mut kept.shared, &mut record).is_none()
            || record.len() > MAX_RECORD
            || !kept.make_room(record.len(), self.budget)
        {
            return;
        }
        let chunk = kept.first_chunk + (kept.chunks.len() as u32 - 1);
        let Some(last) = kept.chunks.back_mut() else {
            return;
        };
        let place = Place {
            chunk,
            offset: last.bytes.len() as u32,
        };
        last.bytes.extend_from_slice(&record);
        last.live += 1;
        let (key, id) = found_by(&kept.ids, Record::at(&record));
        kept.by_key.insert(key, place);
        kept.by_id.insert(id, place);
        kept.rows.insert(row_id, place);
    }

    /// Called by the writer connections' update hook for every row they
    /// change, while the write holds the writer's turn.
    pub(crate) fn changed(&self, change: RowChange, table: &str, row_id: i64) {
        // A new row changes no kept task (row ids of deleted tasks are
        // dropped when the delete ends, before any reuse can be kept).
        if change == RowChange::Insert || !self.enabled() {
            return;
        }
        match table {
            "tasks" => self.pending().tasks.push(row_id),
            "users" | "teams" => self.pending().everything = true,
            _ => {}
        }
    }

    /// The write that held the writer's turn has ended (after its commit,
    /// or its rollback): drops what it changed.
    pub(crate) fn write_ended(&self) {
        let pending = std::mem::take(&mut *self.pending());
        if pending.tasks.is_empty() && !pending.everything {
            return;
        }
        let mut kept = self.writing();
        if pending.everything {
            let generation = kept.generation;
            *kept = Kept {
                generation,
                ..Kept::default()
            };
        } else {
            for row_id in pending.tasks {
                kept.forget(row_id);
            }
        }
        kept.generation += 1;
    }
}

/// How a task is asked for.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Wanted<'a> {
    Id(&'a str),
    Key { product: &'a str, number: i64 },
}

impl Kept {
    fn record(&self, place: Place) -> Record<'_> {
        let chunk = &self.chunks[(place.chunk - self.first_chunk) as usize];
        Record::at(&chunk.bytes[place.offset as usize..])
    }

    /// Bytes held against the budget.
    fn held(&self) -> usize {
        self.allocated * CHUNK + self.rows.len() * INDEX_BYTES
    }

    /// Drops one kept task, if kept; frees its chunk when nothing current
    /// is left in it.
    fn forget(&mut self, row_id: i64) {
        let Some(place) = self.rows.remove(&row_id) else {
            return;
        };
        let found_by = found_by(&self.ids, self.record(place));
        self.unindex(place, found_by);
        let index = (place.chunk - self.first_chunk) as usize;
        let last = self.chunks.len() - 1;
        let chunk = &mut self.chunks[index];
        chunk.live -= 1;
        if chunk.live == 0 && index != last {
            self.free(index);
        }
    }

    /// Removes the record at `place` from the key and id maps, unless
    /// another record has taken its place there since.
    fn unindex(&mut self, place: Place, (key, id): FoundBy) {
        if self.by_key.get(&key) == Some(&place) {
            self.by_key.remove(&key);
        }
        if self.by_id.get(&id) == Some(&place) {
            self.by_id.remove(&id);
        }
    }

    /// Frees chunk `index` (nothing current is left in it), and drops the
    /// freed chunks at the front, which have nothing left to evict.
    fn free(&mut self, index: usize) {
        let chunk = &mut self.chunks[index];
        if chunk.bytes.capacity() > 0 {
            chunk.bytes = Vec::new();
            self.allocated -= 1;
        }
        while self
            .chunks
            .front()
            .is_some_and(|c| c.live == 0 && c.bytes.capacity() == 0)
        {
            self.chunks.pop_front();
            self.first_chunk += 1;
        }
    }

    /// Makes room for a record of `len` bytes at the end of the last
    /// chunk, evicting the oldest chunks while the budget requires;
    /// false when even an empty cache has no room.
    fn make_room(&mut self, len: usize, budget: usize) -> bool {
        loop {
            let new_chunk = self
                .chunks
                .back()
                .is_none_or(|c| c.bytes.capacity() == 0 || c.bytes.len() + len > CHUNK);
            let needed = self.held() + INDEX_BYTES + if new_chunk { CHUNK } else { 0 };
            if needed <= budget {
                if new_chunk {
                    // The chunk filled so far is freed if nothing in it is
                    // current any more.
                    if self.chunks.back().is_some_and(|c| c.live == 0) {
                        self.free(self.chunks.len() - 1);
                    }
                    self.chunks.push_back(Chunk {
                        bytes: Vec::with_capacity(CHUNK),
                        live: 0,
                    });
                    self.allocated += 1;
                }
                return true;
            }
            if !self.evict_oldest_chunk() {
                return false;
            }
        }
    }

    /// Drops the oldest chunk and every task still kept in it; false when
    /// there is none.
    fn evict_oldest_chunk(&mut self) -> bool {
        let Some(chunk) = self.chunks.pop_front() else {
            return false;
        };
        let number = self.first_chunk;
        self.first_chunk += 1;
        if chunk.bytes.capacity() > 0 {
            self.allocated -= 1;
        }
        let mut offset = 0;
        while offset < chunk.bytes.len() {
            let record = Record::at(&chunk.bytes[offset..]);
            let row_id = record.row_id();
            let here = Place {
                chunk: number,
                offset: offset as u32,
            };
            if self.rows.get(&row_id) == Some(&here) {
                self.rows.remove(&row_id);
                self.unindex(here, found_by(&self.ids, record));
            }
            offset += record.len().max(1);
        }
        true
    }
}

/// What a kept task is found by: its (workspace, product key, number) as
/// shared names, and the hash of its id.
type FoundBy = ((u32, u32, u32), u64);

fn found_by(ids: &RandomState, record: Record<'_>) -> FoundBy {
    let key = (record.workspace(), record.product(), record.number());
    (key, ids.hash_one(record.id()))
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use keel_domain::model::PersonRef;

    pub(crate) fn person(id: &str) -> PersonRef {
        PersonRef {
            id: id.into(),
            name: format!("Name {id}"),
            email: format!("{id}@example.com"),
        }
    }

    /// A task with every field set.
    pub(crate) fn task(number: i64) -> Task {
        Task {
            id: format!("id{number}"),
            workspace_id: "w1".into(),
            product: "KEEL".into(),
            number,
            key: format!("KEEL-{number}"),
            title: format!("Task {number}"),
            description: "## Why\n\nBecause — ünïcode too.".into(),
            status: "todo".into(),
            priority: "high".into(),
            task_type: "feature".into(),
            assignee: Some(person("u2")),
            team: Some("CORE".into()),
            estimate: Some(3.5),
            due_date: Some("2027-01-02".into()),
            labels: vec!["api".into(), "backend".into()],
            parent: None,
            feature: Some("f1".into()),
            created_by: person("u1"),
            created_at: "2026-11-28T10:00:00.000001Z".into(),
            updated_at: "2026-11-28T10:00:00.000002Z".into(),
            completed_at: None,
            rank: 1024.0,
            version: 7,
        }
    }

    fn key(number: i64) -> Wanted<'static> {
        Wanted::Key {
            product: "KEEL",
            number,
        }
    }

    impl TaskCache {
        fn len(&self) -> usize {
            self.reading().rows.len()
        }
    }

    const ROOMY: usize = 4 * CHUNK;

    #[test]
    fn a_kept_task_is_found_by_key_and_by_id_in_its_workspace_only() {
        let cache = TaskCache::new(ROOMY);
        let generation = cache.generation();
        cache.keep(generation, 10, &task(1));
        let other = Task {
            workspace_id: "w2".into(),
            id: "elsewhere".into(),
            ..task(2)
        };
        cache.keep(generation, 11, &other);
        assert_eq!(cache.get("w1", key(1)), Some(task(1)));
        assert_eq!(cache.get("w1", Wanted::Id("id1")), Some(task(1)));
        assert_eq!(cache.get("w2", key(2)), Some(other));
        // Never across workspaces or products, whatever it is asked for by.
        assert_eq!(cache.get("w2", key(1)), None);
        assert_eq!(cache.get("w2", Wanted::Id("id1")), None);
        assert_eq!(cache.get("w1", key(2)), None);
        assert_eq!(cache.get("w1", Wanted::Id("elsewhere")), None);
        assert_eq!(cache.get("w9", key(1)), None);
        assert_eq!(
            cache.get(
                "w1",
                Wanted::Key {
                    product: "OTHER",
                    number: 1
                }
            ),
            None
        );
        assert_eq!(cache.get("w1", key(-1)), None);
    }

    #[test]
    fn a_changed_or_deleted_task_is_dropped_when_the_write_ends() {
        let cache = TaskCache::new(ROOMY);
        let generation = cache.generation();
        for n in 1..=3 {
            cache.keep(generation, n, &task(n));
        }
        cache.changed(RowChange::Update, "tasks", 1);
        cache.changed(RowChange::Delete, "tasks", 2);
        cache.changed(RowChange::Update, "products", 3);
        cache.changed(RowChange::Insert, "tasks", 3);
        // Still kept while the write is in progress: it may roll back, and
        // its snapshot is not visible to readers yet.
        assert!(cache.get("w1", key(1)).is_some());
        cache.write_ended();
        assert_eq!(cache.get("w1", key(1)), None);
        assert_eq!(cache.get("w1", Wanted::Id("id1")), None);
        assert_eq!(cache.get("w1", Wanted::Id("id2")), None);
        assert_eq!(cache.get("w1", key(3)), Some(task(3)));
        assert_eq!(cache.len(), 1);
    }

    #[test]
    fn a_task_read_before_a_change_ended_is_not_kept() {
        let cache = TaskCache::new(ROOMY);
        let generation = cache.generation();
        cache.changed(RowChange::Update, "tasks", 1);
        cache.write_ended();
        cache.keep(generation, 1, &task(1));
        assert_eq!(cache.get("w1", key(1)), None);
        // A write that changed no kept row does not hold reads back.
        let generation = cache.generation();
        cache.changed(RowChange::Insert, "tasks", 9);
        cache.changed(RowChange::Update, "events", 9);
        cache.write_ended();
        cache.keep(generation, 1, &task(1));
        assert_eq!(cache.get("w1", key(1)), Some(task(1)));
    }

    #[test]
    fn a_changed_user_or_team_drops_every_task() {
        for table in ["users", "teams"] {
            let cache = TaskCache::new(ROOMY);
            let generation = cache.generation();
            cache.keep(generation, 1, &task(1));
            cache.changed(RowChange::Insert, table, 5);
            cache.write_ended();
            assert!(cache.get("w1", key(1)).is_some(), "a new row in {table}");
            cache.changed(RowChange::Update, table, 5);
            cache.write_ended();
            assert_eq!(cache.get("w1", key(1)), None, "a changed row in {table}");
            assert_eq!(cache.len(), 0);
            assert_eq!(cache.reading().held(), 0);
        }
    }

    #[test]
    fn keeping_a_task_again_replaces_it() {
        let cache = TaskCache::new(ROOMY);
        let generation = cache.generation();
        cache.keep(generation, 1, &task(1));
        let renamed = Task {
            title: "Renamed".into(),
            version: 8,
            ..task(1)
        };
        cache.keep(generation, 1, &renamed);
        assert_eq!(cache.len(), 1);
        assert_eq!(cache.get("w1", key(1)), Some(renamed.clone()));
        assert_eq!(cache.get("w1", Wanted::Id("id1")), Some(renamed));
    }

    #[test]
    fn the_budget_drops_the_oldest_chunk_first_and_is_never_exceeded() {
        let budget = 3 * CHUNK;
        let cache = TaskCache::new(budget);
        let generation = cache.generation();
        let many = 3 * CHUNK as i64 / 200;
        for n in 1..=many {
            cache.keep(generation, n, &task(n));
            assert!(cache.reading().held() <= budget, "after {n}");
        }
        assert!(cache.len() > 100);
        assert!((cache.len() as i64) < many);
        assert_eq!(cache.get("w1", key(1)), None);
        assert_eq!(cache.get("w1", Wanted::Id("id1")), None);
        assert_eq!(cache.get("w1", key(many)), Some(task(many)));
        // What is kept is a run of the newest.
        let oldest_kept = (1..=many)
            .find(|&n| cache.get("w1", key(n)).is_some())
            .unwrap();
        assert!((oldest_kept..=many).all(|n| cache.get("w1", key(n)).is_some()));
        assert_eq!(cache.len() as i64, many - oldest_kept + 1);
    }

    #[test]
    fn a_chunk_whose_tasks_all_changed_is_freed() {
        let cache = TaskCache::new(8 * CHUNK);
        let generation = cache.generation();
        let many = 2 * CHUNK as i64 / 150;
        for n in 1..=many {
            cache.keep(generation, n, &task(n));
        }
        let allocated = cache.reading().allocated;
        assert!(allocated >= 2);
        // Every task of the first chunk changes.
        let in_first: Vec<i64> = {
            let kept = cache.reading();
            let first = kept.first_chunk;
            kept.rows
                .iter()
                .filter(|(_, p)| p.chunk == first)
                .map(|(r, _)| *r)
                .collect()
        };
        for row in &in_first {
            cache.changed(RowChange::Update, "tasks", *row);
        }
        cache.write_ended();
        assert_eq!(cache.reading().allocated, allocated - 1);
        assert_eq!(cache.len() as i64, many - in_first.len() as i64);
        assert_eq!(cache.get("w1", key(many)), Some(task(many)));
    }

    #[test]
    fn a_task_too_large_or_a_budget_too_small_keeps_nothing() {
        let cache = TaskCache::new(ROOMY);
        let long = Task {
            description: "x".repeat(MAX_RECORD),
            ..task(1)
        };
        cache.keep(cache.generation(), 1, &long);
        assert_eq!(cache.len(), 0);
        let cache = TaskCache::new(CHUNK - 1);
        assert!(!cache.enabled());
        cache.keep(cache.generation(), 1, &task(1));
        assert_eq!(cache.get("w1", key(1)), None);
    }

    #[test]
    fn dropped_rows_leave_no_memory_behind() {
        let cache = TaskCache::new(ROOMY);
        for n in 0..20_000 {
            let generation = cache.generation();
            cache.keep(generation, n, &task(n));
            cache.changed(RowChange::Delete, "tasks", n);
            cache.write_ended();
        }
        assert_eq!(cache.len(), 0);
        let kept = cache.reading();
        assert!(
            kept.allocated <= 1 && kept.chunks.len() <= 1,
            "{}",
            kept.chunks.len()
        );
        assert!(kept.by_key.is_empty() && kept.by_id.is_empty());
    }
}

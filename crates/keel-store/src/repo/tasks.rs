//! Tasks: creation with per-product keys, versioned updates that record a
//! field-by-field history, filtered cursor-paginated lists.

use crate::batch::{Batch, Param};
use crate::repo::events::NewEvent;
use crate::repo::{cursor_id, person};
use crate::task_cache::Wanted;
use crate::{Db, Pools, Store, StoreError, StoreResult, Tx, dialect, repo};
use keel_domain::model::{Event, PersonRef, Product, Task};
use keel_domain::task::{Priority, Status, TaskType};
use keel_domain::values::TaskKey;
use std::borrow::Cow;

/// Validated, resolved task fields as they are written.
#[derive(Debug, Clone)]
pub struct TaskFields {
    pub title: String,
    pub description: String,
    pub status: Status,
    pub priority: Priority,
    pub task_type: TaskType,
    pub assignee_id: Option<String>,
    pub team_id: Option<String>,
    pub estimate: Option<f64>,
    pub due_date: Option<String>,
    pub labels: Vec<String>,
    pub parent_id: Option<String>,
    pub feature_id: Option<String>,
    /// Manual order; `None` on create puts the task after all others.
    pub rank: Option<f64>,
}

row_type! {
    struct TaskRow {
        id: String,
        workspace_id: String,
        product_key: String,
        number: i64,
        title: String,
        description: String,
        status: String,
        priority: String,
        task_type: String,
        assignee_id: Option<String>,
        assignee_name: Option<String>,
        assignee_email: Option<String>,
        team_key: Option<String>,
        estimate: Option<f64>,
        due_date: Option<String>,
        labels: String,
        parent_number: Option<i64>,
        parent_product_key: Option<String>,
        feature_id: Option<String>,
        creator_id: String,
        creator_name: String,
        creator_email: String,
        created_at: String,
        updated_at: String,
        completed_at: Option<String>,
        rank: f64,
        version: i64,
    }
}

impl From<TaskRow> for Task {
    fn from(r: TaskRow) -> Self {
        let assignee = match (r.assignee_id, r.assignee_name, r.assignee_email) {
            (Some(id), Some(name), Some(email)) => Some(person(id, name, email)),
            _ => None,
        };
        let parent = match (r.parent_product_key, r.parent_number) {
            (Some(p), Some(n)) => Some(TaskKey::format(&p, n)),
            _ => None,
        };
        Task {
            key: TaskKey::format(&r.product_key, r.number),
            id: r.id,
            workspace_id: r.workspace_id,
            product: r.product_key,
            number: r.number,
            title: r.title,
            description: r.description,
            status: r.status,
            priority: r.priority,
            task_type: r.task_type,
            assignee,
            team: r.team_key,
            estimate: r.estimate,
            due_date: r.due_date,
            labels: serde_json::from_str(&r.labels).unwrap_or_default(),
            parent,
            feature: r.feature_id,
            created_by: person(r.creator_id, r.creator_name, r.creator_email),
            created_at: r.created_at,
            updated_at: r.updated_at,
            completed_at: r.completed_at,
            rank: r.rank,
            version: r.version,
        }
    }
}

/// The columns of [`TaskRow`], as a literal so the point reads below can
/// be constants.
macro_rules! task_columns {
    () => {
        "SELECT t.id, t.workspace_id, p.key AS product_key, t.number, t.title,
    t.description, t.status, t.priority, t.task_type,
    a.id AS assignee_id, a.name AS assignee_name, a.email AS assignee_email,
    tm.key AS team_key, t.estimate, t.due_date, t.labels,
    pt.number AS parent_number, pp.key AS parent_product_key, t.feature_id,
    c.id AS creator_id, c.name AS creator_name, c.email AS creator_email,
    t.created_at, t.updated_at, t.completed_at, t.rank, t.version"
    };
}

/// The joins [`task_columns`] needs.
macro_rules! task_joins {
    () => {
        "
    FROM tasks t
    JOIN products p ON p.id = t.product_id
    JOIN users c ON c.id = t.created_by
    LEFT JOIN users a ON a.id = t.assignee_id
    LEFT JOIN teams tm ON tm.id = t.team_id
    LEFT JOIN tasks pt ON pt.id = t.parent_id
    LEFT JOIN products pp ON pp.id = pt.product_id"
    };
}

macro_rules! task_select {
    () => {
        concat!(task_columns!(), task_joins!())
    };
}

const SELECT: &str = task_select!();

/// A task with its row id after its columns, for [`crate::task_cache`],
/// which hears of changes by row id.
struct KeptRow(TaskRow, i64);

impl crate::direct::DirectRow for KeptRow {
    fn from_direct(row: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
        let task = TaskRow::from_direct(row)?;
        let row_id = crate::direct::column(row, TASK_COLUMNS, "row_id")?;
        Ok(KeptRow(task, row_id))
    }
}

/// How many columns [`TaskRow`] reads.
const TASK_COLUMNS: usize = 27;

const KEPT_BY_ID: &str = concat!(
    task_columns!(),
    ", t.rowid AS row_id",
    task_joins!(),
    " WHERE t.workspace_id = $1 AND t.id = $2"
);
const KEPT_BY_KEY: &str = concat!(
    task_columns!(),
    ", t.rowid AS row_id",
    task_joins!(),
    " WHERE t.workspace_id = $1 AND p.workspace_id = $1 AND p.key = $2 AND t.number = $3"
);

// A point read by id or by key. Constant texts: the SQL is the key of each
// connection's statement cache, and building 1 KB of it per read showed in
// profiles. `p.workspace_id` lets SQLite go through the unique product key
// and the unique (product, number) index instead of scanning the
// workspace's tasks (42 ms → 0.015 ms at 100,000 tasks).
const BY_ID: &str = concat!(task_select!(), " WHERE t.workspace_id = $1 AND t.id = $2");
const BY_KEY: &str = concat!(
    task_select!(),
    " WHERE t.workspace_id = $1 AND p.workspace_id = $1 AND p.key = $2 AND t.number = $3"
);

/// Finds a task by id or by key (`KEEL-42`) within the workspace. With
/// `lock`, the row stays locked until the transaction ends (PostgreSQL).
async fn find(
    db: Db<'_>,
    workspace_id: &str,
    id_or_key: &str,
    lock: bool,
) -> StoreResult<Option<Task>> {
    // With `lock`, PostgreSQL's `FOR UPDATE OF t` goes after the text.
    let suffix = if lock {
        dialect::for_update_of_t(db.backend())
    } else {
        ""
    };
    let sql = |text: &'static str| match suffix {
        "" => Cow::Borrowed(text),
        suffix => Cow::Owned(format!("{text}{suffix}")),
    };
    let row: Option<TaskRow> = if keel_domain::ids::looks_like_id(id_or_key) {
        let sql = sql(BY_ID);
        db.fetch_optional(&sql, vec![workspace_id.into(), id_or_key.into()])
            .await?
    } else {
        let Ok(key) = TaskKey::parse("id", id_or_key) else {
            return Ok(None);
        };
        let sql = sql(BY_KEY);
        db.fetch_optional(
            &sql,
            vec![
                workspace_id.into(),
                key.product.as_str().into(),
                key.number.into(),
            ],
        )
        .await?
    };
    Ok(row.map(Into::into))
}

/// Reads a task by id or by key (`KEEL-42`) within the workspace.
///
/// On SQLite a task found here is kept in memory until a write changes it
/// ([`crate::task_cache`]), and the next read of it by the same key (or
/// id) is answered from there.
pub async fn get(db: Db<'_>, workspace_id: &str, id_or_key: &str) -> StoreResult<Option<Task>> {
    let direct = match &db {
        Db::Pool(store) => match &store.pools {
            Pools::Sqlite { direct, .. } if direct.tasks().enabled() => Some(direct.clone()),
            _ => None,
        },
        Db::Tx(_) => None,
    };
    let Some(direct) = direct else {
        return find(db, workspace_id, id_or_key, false).await;
    };
    let cache = direct.tasks();
    let by_id = keel_domain::ids::looks_like_id(id_or_key);
    let key = if by_id {
        None
    } else {
        match TaskKey::parse("id", id_or_key) {
            Ok(key) => Some(key),
            Err(_) => return Ok(None),
        }
    };
    let wanted = match &key {
        None => Wanted::Id(id_or_key),
        Some(key) => Wanted::Key {
            product: key.product.as_str(),
            number: key.number,
        },
    };
    if let Some(task) = cache.get(workspace_id, wanted) {
        return Ok(Some(task));
    }
    let generation = cache.generation();
    // The task must come from a snapshot begun after `generation` was
    // read, not from one the request opened earlier.
    crate::read_scope::end();
    let row: Option<KeptRow> = match &key {
        None => direct.fetch_optional(KEPT_BY_ID, &[workspace_id.into(), id_or_key.into()])?,
        Some(key) => direct.fetch_optional(
            KEPT_BY_KEY,
            &[
                workspace_id.into(),
                key.product.as_str().into(),
                key.number.into(),
            ],
        )?,
    };
    let Some(KeptRow(row, row_id)) = row else {
        return Ok(None);
    };
    let task = Task::from(row);
    cache.keep(generation, row_id, &task);
    Ok(Some(task))
}

/// Reads a task for a change, locking it against concurrent writers.
pub async fn get_for_update(
    tx: &mut Tx,
    workspace_id: &str,
    id_or_key: &str,
) -> StoreResult<Option<Task>> {
    find(tx.db(), workspace_id, id_or_key, true).await
}

async fn write_labels(
    tx: &mut Tx,
    workspace_id: &str,
    task_id: &str,
    labels: &[String],
) -> StoreResult<()> {
    let mut batch = Batch::new();
    batch.push(
        "DELETE FROM task_labels WHERE task_id = $1",
        vec![task_id.into()],
    );
    push_new_labels(&mut batch, workspace_id, task_id, labels);
    batch.execute(tx).await
}

/// Adds the label rows of a task that has none yet to `batch`: one
/// statement for all of them.
fn push_new_labels(batch: &mut Batch, workspace_id: &str, task_id: &str, labels: &[String]) {
    if labels.is_empty() {
        return;
    }
    let rows: Vec<String> = (0..labels.len())
        .map(|i| format!("($1, $2, ${})", i + 3))
        .collect();
    let sql = format!(
        "INSERT INTO task_labels (task_id, workspace_id, label) VALUES {}
         ON CONFLICT (task_id, label) DO NOTHING",
        rows.join(", ")
    );
    let mut params: Vec<Param> = vec![task_id.into(), workspace_id.into()];
    params.extend(labels.iter().map(Param::from));
    batch.push(sql, params);
}

fn labels_json(labels: &[String]) -> String {
    serde_json::to_string(labels).unwrap_or_else(|_| "[]".to_string())
}

/// Creates a task with the product's next key, its history entry and its
/// event, all in the caller's transaction, and reads it back.
pub async fn create(
    tx: &mut Tx,
    id: &str,
    product: &Product,
    fields: &TaskFields,
    actor_id: &str,
    now: &str,
) -> StoreResult<(Task, Event)> {
    let event = insert(tx, id, product, fields, actor_id, now).await?;
    let task = get(tx.db(), &product.workspace_id, id)
        .await?
        .ok_or(StoreError::NotFound)?;
    Ok((task, event))
}

/// [`create`] without the read-back: callers that commit first can read
/// the task from a reader afterwards and keep the writer free.
pub async fn insert(
    tx: &mut Tx,
    id: &str,
    product: &Product,
    fields: &TaskFields,
    actor_id: &str,
    now: &str,
) -> StoreResult<Event> {
    let creation = Creation::new(id, product, fields, actor_id, now);
    let appended = creation.batch(tx.db().backend()).fetch_one(tx).await?;
    Ok(creation.event().numbered_as(appended))
}

/// [`insert`] as a transaction of its own, committed on return. On SQLite
/// the writer is held only for the few microseconds the statements take
/// (see [`Batch::commit_alone`]).
pub async fn insert_alone(
    store: &Store,
    id: &str,
    product: &Product,
    fields: &TaskFields,
    actor_id: &str,
    now: &str,
) -> StoreResult<Event> {
    let creation = Creation::new(id, product, fields, actor_id, now);
    let appended = creation
        .batch(store.backend())
        .commit_alone(store)
        .await?
        .into_iter()
        .next()
        .ok_or(StoreError::NotFound)?;
    Ok(creation.event().numbered_as(appended))
}

/// What creating one task writes.
struct Creation<'a> {
    id: &'a str,
    product: &'a Product,
    fields: &'a TaskFields,
    actor_id: &'a str,
    now: &'a str,
}

impl<'a> Creation<'a> {
    fn new(
        id: &'a str,
        product: &'a Product,
        fields: &'a TaskFields,
        actor_id: &'a str,
        now: &'a str,
    ) -> Self {
        Self {
            id,
            product,
            fields,
            actor_id,
            now,
        }
    }

    /// Every statement, in one batch whose rows are the event's number and
    /// key. The product's counter is advanced first and the task takes the
    /// number it gave: the counter row stays locked until commit, which
    /// orders concurrent creators, and a rollback gives the number back, so
    /// keys stay gap-free. Without a rank the task goes after all others.
    fn batch(&self, backend: crate::Backend) -> Batch {
        let (workspace_id, fields) = (&self.product.workspace_id, self.fields);
        let mut batch = Batch::new();
        batch.push(
            "UPDATE products SET next_task_number = next_task_number + 1 WHERE id = $1",
            vec![(&self.product.id).into()],
        );
        batch.push(
            "INSERT INTO tasks (id, workspace_id, product_id, number, title, description, status,
                priority, task_type, assignee_id, team_id, estimate, due_date, labels, parent_id,
                feature_id, created_by, created_at, updated_at, completed_at, rank)
             SELECT $1, $2, $3, p.next_task_number - 1, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13,
                $14, $15, $16, $17, $17, $18,
                COALESCE($19, (SELECT MAX(rank) FROM tasks WHERE product_id = $3) + $20, $20)
             FROM products p WHERE p.id = $3",
            vec![
                self.id.into(),
                workspace_id.into(),
                (&self.product.id).into(),
                (&fields.title).into(),
                (&fields.description).into(),
                fields.status.as_str().into(),
                fields.priority.as_str().into(),
                fields.task_type.as_str().into(),
                (&fields.assignee_id).into(),
                (&fields.team_id).into(),
                fields.estimate.into(),
                (&fields.due_date).into(),
                labels_json(&fields.labels).into(),
                (&fields.parent_id).into(),
                (&fields.feature_id).into(),
                self.actor_id.into(),
                self.now.into(),
                fields.status.is_closed().then_some(self.now).into(),
                fields.rank.into(),
                RANK_STEP.into(),
            ],
        );
        push_new_labels(&mut batch, workspace_id, self.id, &fields.labels);
        repo::comments::push_activity(
            &mut batch,
            workspace_id,
            self.id,
            self.actor_id,
            "created",
            None,
            self.now,
        );
        self.event().push_to_new_task(&mut batch, backend);
        batch
    }

    /// The event, keyed once the batch has numbered the task.
    fn event(&self) -> NewEvent<'a> {
        NewEvent {
            workspace_id: &self.product.workspace_id,
            event_type: "created",
            kind: "task",
            item_id: self.id,
            key: None,
            at: self.now,
        }
    }
}

/// Writes new field values over `current` (read with [`get_for_update`]).
/// Fails with `Stale` if the row's version moved since it was read. Every
/// changed field gets a history entry.
pub async fn update(
    tx: &mut Tx,
    current: &Task,
    fields: &TaskFields,
    actor_id: &str,
    now: &str,
) -> StoreResult<(Task, Option<Event>)> {
    let was_closed = Status::parse("status", &current.status).is_ok_and(|s| s.is_closed());
    let completed_at = match (was_closed, fields.status.is_closed()) {
        (false, true) => Some(now.to_string()),
        (true, true) => current.completed_at.clone(),
        _ => None,
    };
    let result = on_db!(tx.db(), c => sqlx::query(
        "UPDATE tasks SET title = $3, description = $4, status = $5, priority = $6, task_type = $7,
            assignee_id = $8, team_id = $9, estimate = $10, due_date = $11, labels = $12,
            parent_id = $13, feature_id = $14, completed_at = $15, updated_at = $16,
            rank = $17, version = version + 1
         WHERE id = $1 AND version = $2"
    )
    .bind(&current.id).bind(current.version).bind(&fields.title).bind(&fields.description)
    .bind(fields.status.as_str()).bind(fields.priority.as_str()).bind(fields.task_type.as_str())
    .bind(&fields.assignee_id).bind(&fields.team_id).bind(fields.estimate).bind(&fields.due_date)
    .bind(labels_json(&fields.labels)).bind(&fields.parent_id).bind(&fields.feature_id)
    .bind(&completed_at).bind(now).bind(fields.rank.unwrap_or(current.rank))
    .execute(c).await.map(|r| r.rows_affected()))?;
    if result == 0 {
        return Err(StoreError::Stale);
    }
    if fields.labels != current.labels {
        write_labels(tx, &current.workspace_id, &current.id, &fields.labels).await?;
    }
    let updated = get(tx.db(), &current.workspace_id, &current.id)
        .await?
        .ok_or(StoreError::NotFound)?;
    let changes = diff(current, &updated);
    if changes.is_empty() && updated.rank == current.rank {
        // Nothing really changed: keep the version bump out of history and
        // the live stream by rolling the caller's transaction back instead.
        return Ok((current.clone(), None));
    }
    // A new position alone is an event (boards must follow) but not
    // history: nobody needs "moved up one" in the activity log.
    // The history rows and the event go as one batch (one trip on SQLite).
    let mut batch = Batch::new();
    for (field, from, to) in &changes {
        repo::comments::push_activity(
            &mut batch,
            &current.workspace_id,
            &current.id,
            actor_id,
            "updated",
            Some((field, from.as_deref(), to.as_deref())),
            now,
        );
    }
    let event = NewEvent {
        workspace_id: &current.workspace_id,
        event_type: "updated",
        kind: "task",
        item_id: &current.id,
        key: Some(&current.key),
        at: now,
    };
    event.push_to(&mut batch, tx.db().backend());
    let (seq,): (i64,) = batch.fetch_one(tx).await?;
    let event = event.numbered(seq);
    Ok((updated, Some(event)))
}

/// The fields that differ between two versions of a task, as display text.
fn diff(old: &Task, new: &Task) -> Vec<(&'static str, Option<String>, Option<String>)> {
    fn person(p: &Option<PersonRef>) -> Option<String> {
        p.as_ref().map(|p| p.email.clone())
    }
    fn num(v: Option<f64>) -> Option<String> {
        v.map(|v| v.to_string())
    }
    let pairs: [(&'static str, Option<String>, Option<String>); 12] = [
        ("title", Some(old.title.clone()), Some(new.title.clone())),
        (
            "description",
            Some(old.description.clone()),
            Some(new.description.clone()),
        ),
        ("status", Some(old.status.clone()), Some(new.status.clone())),
        (
            "priority",
            Some(old.priority.clone()),
            Some(new.priority.clone()),
        ),
        (
            "type",
            Some(old.task_type.clone()),
            Some(new.task_type.clone()),
        ),
        ("assignee", person(&old.assignee), person(&new.assignee)),
        ("team", old.team.clone(), new.team.clone()),
        ("estimate", num(old.estimate), num(new.estimate)),
        ("due_date", old.due_date.clone(), new.due_date.clone()),
        (
            "labels",
            Some(old.labels.join(", ")),
            Some(new.labels.join(", ")),
        ),
        ("parent", old.parent.clone(), new.parent.clone()),
        ("feature", old.feature.clone(), new.feature.clone()),
    ];
    pairs.into_iter().filter(|(_, a, b)| a != b).collect()
}

/// Deletes a task (its comments and history go with it; sub-tasks are
/// detached). Its key is never reused.
pub async fn delete(tx: &mut Tx, task: &Task, now: &str) -> StoreResult<Event> {
    on_db!(tx.db(), c => sqlx::query("DELETE FROM tasks WHERE id = $1").bind(&task.id).execute(c).await.map(|r| r.rows_affected()))?;
    repo::events::append(
        tx,
        &task.workspace_id,
        "deleted",
        "task",
        &task.id,
        Some(&task.key),
        now,
    )
    .await
}

/// Who a list is filtered to.
#[derive(Debug, Clone)]
pub enum AssigneeFilter {
    User(String),
    Unassigned,
}

/// A column a list can be ordered by (and, for status, priority and
/// assignee, grouped by).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortField {
    /// The task key: product key, then number.
    Number,
    /// Urgent first when ascending, "none" last.
    Priority,
    /// Workflow order (backlog … canceled) when ascending.
    Status,
    /// Earliest first when ascending; tasks without a due date always last.
    DueDate,
    Updated,
    /// Creation order (ids are time-ordered).
    Created,
    /// By the assignee's name; unassigned tasks always last.
    Assignee,
}

/// One key of an explicit list order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SortKey {
    pub field: SortField,
    pub descending: bool,
}

impl SortKey {
    /// The `ORDER BY` terms of this key. Only fixed text: nothing from the
    /// caller reaches the SQL.
    fn sql(&self) -> String {
        let dir = if self.descending { "DESC" } else { "ASC" };
        let case = |column: &str, values: &[(&str, i64)]| {
            let arms: String = values
                .iter()
                .map(|(v, n)| format!(" WHEN '{v}' THEN {n}"))
                .collect();
            format!("CASE {column}{arms} ELSE 99 END {dir}")
        };
        match self.field {
            SortField::Number => format!("p.key {dir}, t.number {dir}"),
            SortField::Priority => case(
                "t.priority",
                &Priority::ALL
                    .iter()
                    .map(|p| (p.as_str(), p.rank()))
                    .collect::<Vec<_>>(),
            ),
            SortField::Status => case(
                "t.status",
                &Status::ALL
                    .iter()
                    .zip(0..)
                    .map(|(s, n)| (s.as_str(), n))
                    .collect::<Vec<_>>(),
            ),
            SortField::DueDate => format!("(t.due_date IS NULL), t.due_date {dir}"),
            SortField::Updated => format!("t.updated_at {dir}"),
            SortField::Created => format!("t.id {dir}"),
            SortField::Assignee => {
                format!("(t.assignee_id IS NULL), a.name {dir}, t.assignee_id {dir}")
            }
        }
    }
}

/// What [`count_by`] splits the matching tasks by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupField {
    Status,
    Priority,
    /// By assignee id (`None` for unassigned).
    Assignee,
}

/// Filters for [`list`]; empty vectors mean "any".
#[derive(Debug, Clone, Default)]
pub struct TaskFilter {
    pub product_id: Option<String>,
    pub statuses: Vec<String>,
    pub priorities: Vec<String>,
    pub types: Vec<String>,
    pub assignee: Option<AssigneeFilter>,
    pub team_id: Option<String>,
    pub label: Option<String>,
    pub parent_id: Option<String>,
    pub q: Option<String>,
    pub cursor: Option<String>,
    pub limit: i64,
    /// Board order (rank) instead of newest first. Rank order does not
    /// paginate: callers take one page of up to [`MAX_UNPAGED`].
    pub by_rank: bool,
    /// An explicit order, first key first (ties: newest first). When set it
    /// wins over `by_rank`, and pages go by `offset` instead of `cursor`.
    pub sort: Vec<SortKey>,
    /// Matching tasks to skip (only with `sort`).
    pub offset: i64,
}

/// Most tasks one rank-ordered read returns (a board).
pub const MAX_UNPAGED: i64 = 10_000;

/// `FROM … WHERE …` for the filter (cursor and order aside), with the
/// values to bind in placeholder order.
fn filtered(backend: crate::Backend, workspace_id: &str, f: &TaskFilter) -> (String, Vec<String>) {
    let mut sql = " WHERE t.workspace_id = $1".to_string();
    let mut binds: Vec<String> = vec![workspace_id.to_string()];
    let mut push = |sql: &mut String, clause: &dyn Fn(usize) -> String, value: String| {
        binds.push(value);
        sql.push_str(" AND ");
        sql.push_str(&clause(binds.len()));
    };
    if let Some(p) = &f.product_id {
        push(&mut sql, &|n| format!("t.product_id = ${n}"), p.clone());
    }
    for (column, values) in [
        ("t.status", &f.statuses),
        ("t.priority", &f.priorities),
        ("t.task_type", &f.types),
    ] {
        if values.is_empty() {
            continue;
        }
        let mut parts = Vec::new();
        for v in values {
            binds.push(v.clone());
            parts.push(format!("{column} = ${}", binds.len()));
        }
        sql.push_str(&format!(" AND ({})", parts.join(" OR ")));
    }
    let mut push = |sql: &mut String, clause: &dyn Fn(usize) -> String, value: String| {
        binds.push(value);
        sql.push_str(" AND ");
        sql.push_str(&clause(binds.len()));
    };
    match &f.assignee {
        Some(AssigneeFilter::User(id)) => {
            push(&mut sql, &|n| format!("t.assignee_id = ${n}"), id.clone())
        }
        Some(AssigneeFilter::Unassigned) => sql.push_str(" AND t.assignee_id IS NULL"),
        None => {}
    }
    if let Some(team) = &f.team_id {
        push(&mut sql, &|n| format!("t.team_id = ${n}"), team.clone());
    }
    if let Some(parent) = &f.parent_id {
        push(&mut sql, &|n| format!("t.parent_id = ${n}"), parent.clone());
    }
    if let Some(label) = &f.label {
        push(
            &mut sql,
            &|n| {
                format!(
                    "EXISTS (SELECT 1 FROM task_labels l WHERE l.task_id = t.id AND l.label = ${n})"
                )
            },
            label.clone(),
        );
    }
    if let Some(q) = &f.q {
        push(
            &mut sql,
            &|n| {
                format!(
                    "({} OR {})",
                    dialect::contains_ci(backend, "t.title", n),
                    dialect::contains_ci(backend, "t.description", n)
                )
            },
            dialect::escape_like(q),
        );
    }
    (sql, binds)
}

/// Newest first (or by rank, or in the filter's `sort` order); `cursor` is
/// the last id of the previous page. Returns one page and the cursor of the
/// next, if any (with `sort`: the next offset, as text).
pub async fn list(
    db: Db<'_>,
    workspace_id: &str,
    f: &TaskFilter,
) -> StoreResult<(Vec<Task>, Option<String>)> {
    let (filter, mut binds) = filtered(db.backend(), workspace_id, f);
    let mut sql = format!("{SELECT}{filter}");
    let sorted = !f.sort.is_empty();
    if let Some(cursor) = cursor_id(f.cursor.as_deref()).filter(|_| !f.by_rank && !sorted) {
        binds.push(cursor);
        sql.push_str(&format!(" AND t.id < ${}", binds.len()));
    }
    let limit = f.limit.clamp(1, MAX_UNPAGED);
    let order = if sorted {
        let keys: Vec<String> = f.sort.iter().map(SortKey::sql).collect();
        format!("{}, t.id DESC", keys.join(", "))
    } else if f.by_rank {
        "t.rank, t.id".to_string()
    } else {
        "t.id DESC".to_string()
    };
    let offset = if sorted { f.offset.max(0) } else { 0 };
    sql.push_str(&format!(
        " ORDER BY {order} LIMIT {} OFFSET {offset}",
        limit + 1
    ));
    let rows: Vec<TaskRow> = db
        .fetch_all(sql, binds.into_iter().map(Param::from).collect())
        .await?;
    let mut tasks: Vec<Task> = rows.into_iter().map(Into::into).collect();
    let next = if tasks.len() as i64 > limit {
        tasks.truncate(limit as usize);
        if sorted {
            Some((offset + limit).to_string())
        } else {
            tasks.last().map(|t| t.id.clone())
        }
    } else {
        None
    };
    Ok((tasks, next))
}

/// How many tasks match the filter (cursor, sort and paging aside), split
/// by `by` — `(value, count)` pairs, `None` for unassigned — or, without
/// `by`, one pair with the total.
pub async fn count_by(
    db: Db<'_>,
    workspace_id: &str,
    f: &TaskFilter,
    by: Option<GroupField>,
) -> StoreResult<Vec<(Option<String>, i64)>> {
    let (filter, binds) = filtered(db.backend(), workspace_id, f);
    let column = match by {
        None => "CAST(NULL AS TEXT)",
        Some(GroupField::Status) => "t.status",
        Some(GroupField::Priority) => "t.priority",
        Some(GroupField::Assignee) => "t.assignee_id",
    };
    let group = if by.is_some() {
        format!(" GROUP BY {column}")
    } else {
        String::new()
    };
    let sql = format!("SELECT {column} AS value, COUNT(*) AS n FROM tasks t{filter}{group}");
    db.fetch_all(sql, binds.into_iter().map(Param::from).collect())
        .await
}

/// Gap left between consecutive ranks, so most moves need no renumbering.
pub const RANK_STEP: f64 = 1024.0;

/// The rank of a task, by id, within the workspace.
pub async fn rank_of(db: Db<'_>, workspace_id: &str, id: &str) -> StoreResult<Option<f64>> {
    let row: Option<(f64,)> = on_db!(db, c => sqlx::query_as(
        "SELECT rank FROM tasks WHERE workspace_id = $1 AND id = $2"
    ).bind(workspace_id).bind(id).fetch_optional(c).await)?;
    Ok(row.map(|(r,)| r))
}

/// The nearest rank strictly after `rank` in the product (for "put after X").
pub async fn next_rank_after(db: Db<'_>, product_id: &str, rank: f64) -> StoreResult<Option<f64>> {
    let (next,): (Option<f64>,) = on_db!(db, c => sqlx::query_as(
        "SELECT MIN(rank) FROM tasks WHERE product_id = $1 AND rank > $2"
    ).bind(product_id).bind(rank).fetch_one(c).await)?;
    Ok(next)
}

/// The nearest rank strictly before `rank` in the product.
pub async fn prev_rank_before(db: Db<'_>, product_id: &str, rank: f64) -> StoreResult<Option<f64>> {
    let (prev,): (Option<f64>,) = on_db!(db, c => sqlx::query_as(
        "SELECT MAX(rank) FROM tasks WHERE product_id = $1 AND rank < $2"
    ).bind(product_id).bind(rank).fetch_one(c).await)?;
    Ok(prev)
}

/// Spreads the product's ranks evenly again (keeping their order) when two
/// neighbours have come too close to put anything between them.
pub async fn renumber_ranks(tx: &mut Tx, product_id: &str) -> StoreResult<()> {
    let ids: Vec<(String,)> = on_db!(tx.db(), c => sqlx::query_as(
        "SELECT id FROM tasks WHERE product_id = $1 ORDER BY rank, id"
    ).bind(product_id).fetch_all(c).await)?;
    for (i, (id,)) in ids.iter().enumerate() {
        let rank = (i as f64 + 1.0) * RANK_STEP;
        on_db!(tx.db(), c => sqlx::query("UPDATE tasks SET rank = $2 WHERE id = $1")
            .bind(id).bind(rank).execute(c).await.map(|r| r.rows_affected()))?;
    }
    Ok(())
}

/// The product id of a task.
pub async fn product_id_of(db: Db<'_>, task_id: &str) -> StoreResult<Option<String>> {
    let row: Option<(String,)> = on_db!(db, c => sqlx::query_as(
        "SELECT product_id FROM tasks WHERE id = $1"
    ).bind(task_id).fetch_optional(c).await)?;
    Ok(row.map(|(p,)| p))
}

/// Every label in use in the workspace, sorted.
pub async fn labels_in_use(db: Db<'_>, workspace_id: &str) -> StoreResult<Vec<String>> {
    let rows: Vec<(String,)> = on_db!(db, c => sqlx::query_as(
        "SELECT DISTINCT label FROM task_labels WHERE workspace_id = $1 ORDER BY label"
    ).bind(workspace_id).fetch_all(c).await)?;
    Ok(rows.into_iter().map(|(l,)| l).collect())
}

/// A task as a goal's "what moves it" list shows it.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct FeatureTask {
    pub feature_id: String,
    pub product_key: String,
    pub number: i64,
    pub title: String,
    pub status: String,
    pub assignee_name: Option<String>,
}

impl FeatureTask {
    /// `KEEL-42`.
    pub fn key(&self) -> String {
        TaskKey::format(&self.product_key, self.number)
    }
}

/// The tasks of each of `feature_ids` (of the workspace), by feature then
/// task number.
pub async fn of_features(
    db: Db<'_>,
    workspace_id: &str,
    feature_ids: &[String],
) -> StoreResult<Vec<FeatureTask>> {
    let mut out = Vec::new();
    let mut db = db;
    // One indexed read per feature: a goal has a handful of them, and a
    // list of placeholders would be built per call.
    for feature_id in feature_ids {
        let rows: Vec<FeatureTask> = on_db!(db.re(), c => sqlx::query_as(
            "SELECT t.feature_id, p.key AS product_key, t.number, t.title, t.status,
                a.name AS assignee_name
             FROM tasks t JOIN products p ON p.id = t.product_id
             LEFT JOIN users a ON a.id = t.assignee_id
             WHERE t.workspace_id = $1 AND t.feature_id = $2
             ORDER BY t.number"
        ).bind(workspace_id).bind(feature_id).fetch_all(c).await)?;
        out.extend(rows);
    }
    Ok(out)
}

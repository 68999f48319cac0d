//! The per-workspace event log behind the live stream. Each committed change
//! appends one row numbered by the workspace's counter, inside the same
//! transaction, so the numbers have no gaps and a reconnecting client can
//! replay exactly what it missed.

use crate::batch::Batch;
use crate::{Db, StoreResult, Tx};
use keel_domain::model::Event;

#[derive(sqlx::FromRow)]
struct EventRow {
    seq: i64,
    event_type: String,
    kind: String,
    item_id: String,
    item_key: Option<String>,
    at: String,
}

impl From<EventRow> for Event {
    fn from(r: EventRow) -> Self {
        Event {
            seq: r.seq,
            event_type: r.event_type,
            kind: r.kind,
            item_id: r.item_id,
            key: r.item_key,
            at: r.at,
        }
    }
}

/// Appends an event; the counter update locks the workspace row on
/// PostgreSQL, which orders concurrent writers.
pub async fn append(
    tx: &mut Tx,
    workspace_id: &str,
    event_type: &str,
    kind: &str,
    item_id: &str,
    key: Option<&str>,
    at: &str,
) -> StoreResult<Event> {
    let new = NewEvent {
        workspace_id,
        event_type,
        kind,
        item_id,
        key,
        at,
    };
    let mut batch = Batch::new();
    new.push_to(&mut batch, tx.db().backend());
    let (seq,): (i64,) = batch.fetch_one(tx).await?;
    Ok(new.numbered(seq))
}

/// An event about to be appended, for writers that send it in a [`Batch`]
/// with their own statements.
pub struct NewEvent<'a> {
    pub workspace_id: &'a str,
    pub event_type: &'a str,
    pub kind: &'a str,
    pub item_id: &'a str,
    pub key: Option<&'a str>,
    pub at: &'a str,
}

row_type! {
    /// The number and key an event was appended under: the rows of a batch
    /// that ends with [`NewEvent::push_to`].
    pub struct Appended {
        pub seq: i64,
        pub item_key: Option<String>,
    }
}

/// The key of a task created earlier in the same batch, from its row
/// (`$4` is the event's item id).
const NEW_TASK_KEY: &str = "(SELECT p.key || '-' || t.number FROM tasks t
    JOIN products p ON p.id = t.product_id WHERE t.id = $4)";

impl NewEvent<'_> {
    /// Adds the statements that number and insert the event; they go last
    /// in `batch`, whose rows are then the new `(seq, item_key)`
    /// ([`Appended`]).
    pub fn push_to(&self, batch: &mut Batch, backend: crate::Backend) {
        self.push_keyed(batch, backend, "$5");
    }

    /// [`Self::push_to`] for a task the batch itself creates, whose key is
    /// only known once its number is allocated.
    pub fn push_to_new_task(&self, batch: &mut Batch, backend: crate::Backend) {
        self.push_keyed(batch, backend, NEW_TASK_KEY);
    }

    fn push_keyed(&self, batch: &mut Batch, backend: crate::Backend, key_sql: &str) {
        batch.push(
            "UPDATE workspaces SET event_seq = event_seq + 1 WHERE id = $1",
            vec![self.workspace_id.into()],
        );
        // On PostgreSQL, wake the other instances; NOTIFY is delivered at
        // commit and dropped on rollback, exactly like the row. The payload
        // is just the address of the row (payloads are capped at 8,000
        // bytes).
        if let Some(sql) = crate::dialect::notify_event(backend) {
            batch.push(sql, vec![self.workspace_id.into()]);
        }
        batch.push(
            format!(
                "INSERT INTO events (workspace_id, seq, event_type, kind, item_id, item_key, at)
                 SELECT $1, event_seq, $2, $3, $4, {key_sql}, $6 FROM workspaces WHERE id = $1
                 RETURNING seq, item_key"
            ),
            vec![
                self.workspace_id.into(),
                self.event_type.into(),
                self.kind.into(),
                self.item_id.into(),
                self.key.into(),
                self.at.into(),
            ],
        );
    }

    /// The event as appended under number `seq`.
    pub fn numbered(&self, seq: i64) -> Event {
        self.numbered_as(Appended {
            seq,
            item_key: self.key.map(str::to_string),
        })
    }

    /// The event as appended, with the number and key its insert returned.
    pub fn numbered_as(&self, appended: Appended) -> Event {
        Event {
            seq: appended.seq,
            event_type: self.event_type.to_string(),
            kind: self.kind.to_string(),
            item_id: self.item_id.to_string(),
            key: appended.item_key,
            at: self.at.to_string(),
        }
    }
}

/// Events after `seq`, oldest first, at most `limit`.
pub async fn after(
    db: Db<'_>,
    workspace_id: &str,
    seq: i64,
    limit: i64,
) -> StoreResult<Vec<Event>> {
    let rows: Vec<EventRow> = on_db!(db, c => sqlx::query_as(
        "SELECT seq, event_type, kind, item_id, item_key, at FROM events
         WHERE workspace_id = $1 AND seq > $2 ORDER BY seq LIMIT $3"
    ).bind(workspace_id).bind(seq).bind(limit).fetch_all(c).await)?;
    Ok(rows.into_iter().map(Into::into).collect())
}

/// The workspace's latest event number (0 before the first event).
pub async fn latest_seq(db: Db<'_>, workspace_id: &str) -> StoreResult<i64> {
    let row: Option<(i64,)> = on_db!(db, c => sqlx::query_as(
        "SELECT event_seq FROM workspaces WHERE id = $1"
    ).bind(workspace_id).fetch_optional(c).await)?;
    Ok(row.map_or(0, |(s,)| s))
}

/// One event by number.
pub async fn get(db: Db<'_>, workspace_id: &str, seq: i64) -> StoreResult<Option<Event>> {
    let row: Option<EventRow> = on_db!(db, c => sqlx::query_as(
        "SELECT seq, event_type, kind, item_id, item_key, at FROM events
         WHERE workspace_id = $1 AND seq = $2"
    ).bind(workspace_id).bind(seq).fetch_optional(c).await)?;
    Ok(row.map(Into::into))
}

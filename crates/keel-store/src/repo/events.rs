//! The per-workspace event log behind the live stream. Each committed change
//! appends one row numbered by the workspace's counter, inside the same
//! transaction, so the numbers have no gaps and a reconnecting client can
//! replay exactly what it missed.

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
    let (seq,): (i64,) = on_db!(tx.db(), c => sqlx::query_as(
        "UPDATE workspaces SET event_seq = event_seq + 1 WHERE id = $1 RETURNING event_seq"
    ).bind(workspace_id).fetch_one(c).await)?;
    on_db!(tx.db(), c => sqlx::query(
        "INSERT INTO events (workspace_id, seq, event_type, kind, item_id, item_key, at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)"
    ).bind(workspace_id).bind(seq).bind(event_type).bind(kind).bind(item_id).bind(key).bind(at)
     .execute(c).await.map(|r| r.rows_affected()))?;
    // On PostgreSQL, wake the other instances; NOTIFY is delivered at
    // commit and dropped on rollback, exactly like the row. The payload is
    // just the address of the row (payloads are capped at 8,000 bytes).
    let backend = tx.db().backend();
    if let Some(sql) = crate::dialect::notify_event(backend) {
        let payload = format!("{workspace_id}:{seq}");
        on_db!(tx.db(), c => sqlx::query(sql).bind(&payload).execute(c).await.map(|r| r.rows_affected()))?;
    }
    Ok(Event {
        seq,
        event_type: event_type.to_string(),
        kind: kind.to_string(),
        item_id: item_id.to_string(),
        key: key.map(str::to_string),
        at: at.to_string(),
    })
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

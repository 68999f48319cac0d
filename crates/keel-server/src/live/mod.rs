//! Live updates: committed events go to every WebSocket subscriber of the
//! workspace, on this instance and — through PostgreSQL NOTIFY — on others.
//!
//! The events table is the source of truth. The in-process bus only carries
//! "this event was committed" (with the item, when the writer had it), and a
//! subscriber that sees a gap in sequence numbers, or falls behind, reads
//! what it missed from the table. So nothing is lost to a slow client or a
//! dropped notification.

mod fanout;

pub use fanout::spawn_fanout;

use keel_api_types::LiveEvent;
use keel_domain::Permission;
use keel_domain::model::Event;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::sync::broadcast;

/// Events buffered per subscriber before it must catch up from the table.
const BUS_CAPACITY: usize = 1024;

/// A committed event addressed to one workspace.
#[derive(Debug, Clone)]
pub struct Published {
    pub workspace_id: String,
    pub event: LiveEvent,
}

/// The in-process event bus.
#[derive(Clone)]
pub struct LiveBus {
    tx: broadcast::Sender<Arc<Published>>,
    /// Highest sequence number published per workspace, so an event that
    /// arrives twice (from the writer and back through NOTIFY) goes out once.
    published: Arc<Mutex<HashMap<String, i64>>>,
}

impl Default for LiveBus {
    fn default() -> Self {
        let (tx, _) = broadcast::channel(BUS_CAPACITY);
        Self {
            tx,
            published: Arc::default(),
        }
    }
}

impl LiveBus {
    /// Sends a committed event to this instance's subscribers, unless an
    /// event with this or a later number already went out.
    pub fn publish(&self, workspace_id: &str, event: &Event, item: Option<serde_json::Value>) {
        if let Ok(mut published) = self.published.lock() {
            let last = published.entry(workspace_id.to_string()).or_insert(0);
            if event.seq <= *last {
                return;
            }
            *last = event.seq;
        }
        let message = Published {
            workspace_id: workspace_id.to_string(),
            event: to_wire(event, item),
        };
        // No subscribers is fine.
        let _ = self.tx.send(Arc::new(message));
    }

    /// Whether an event number for this workspace already went out here.
    pub fn already_published(&self, workspace_id: &str, seq: i64) -> bool {
        self.published
            .lock()
            .map(|p| p.get(workspace_id).is_some_and(|last| seq <= *last))
            .unwrap_or(false)
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Published>> {
        self.tx.subscribe()
    }
}

/// What a subscriber's role must allow for an event to carry its item.
/// Feedback, the customers, companies and personas it comes from, and the
/// interviews and decisions built on it are customer data, which guests
/// (often customers themselves) never read; they still get the event
/// without the item, so sequence numbers stay gap-free.
pub fn item_permission(kind: &str) -> Permission {
    use keel_store::repo::{companies, customers, decisions, feedback, interviews, personas};
    match kind {
        feedback::KIND
        | customers::KIND
        | companies::KIND
        | personas::KIND
        | interviews::KIND
        | decisions::KIND => Permission::ReadCustomers,
        _ => Permission::Read,
    }
}

/// The wire form of an event.
pub fn to_wire(event: &Event, item: Option<serde_json::Value>) -> LiveEvent {
    LiveEvent {
        seq: event.seq,
        event_type: event.event_type.clone(),
        kind: event.kind.clone(),
        id: event.item_id.clone(),
        key: event.key.clone(),
        item,
    }
}

/// The current state of an event's item, as `GET` returns it, for events
/// that were not published by the writer itself (replays, other instances).
/// Tasks only for now; `None` for deleted items and other kinds.
pub async fn item_for(
    store: &keel_store::Store,
    workspace_id: &str,
    kind: &str,
    event_type: &str,
    item_id: &str,
) -> Option<serde_json::Value> {
    if kind != "task" || event_type == "deleted" {
        return None;
    }
    match keel_store::repo::tasks::get(store.db(), workspace_id, item_id).await {
        Ok(Some(task)) => serde_json::to_value(crate::api::v1::convert::task(task)).ok(),
        _ => None,
    }
}

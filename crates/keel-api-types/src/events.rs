//! Live events, as sent on the WebSocket `/api/v1/workspaces/{ws}/events`.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// One committed change. `seq` grows by one per workspace, so a client that
/// reconnects with `?after=<last seq>` misses nothing.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct LiveEvent {
    pub seq: i64,
    /// created, updated, deleted
    #[serde(rename = "type")]
    pub event_type: String,
    /// The item kind: task, comment, …
    pub kind: String,
    /// The item's id.
    pub id: String,
    /// The task key, where there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// The item as `GET` would return it (for tasks; absent for deleted
    /// items). A replayed event carries the item's current state.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub item: Option<serde_json::Value>,
}

//! My day: the tasks a person plans for one day (their local date, sent by
//! the client), checked off through the day, in their own order.
//! Everything here is the caller's own; nobody sees another's day.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// One planned task on one day.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct MyDayItem {
    pub id: String,
    /// The day, `YYYY-MM-DD`.
    pub date: String,
    /// Order within the day, from 0.
    pub position: i64,
    /// When it was checked off ("I did my part today"); `null` while not.
    pub done_at: Option<String>,
    /// The task's key.
    pub task: String,
    pub task_id: String,
    pub title: String,
    /// The task's status (backlog … canceled).
    pub status: String,
    pub priority: String,
    pub estimate: Option<f64>,
}

/// Unfinished items of an earlier day, offered for this one (not added
/// until the person accepts: `POST …/my-day/carry-over`).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct MyDayOffer {
    /// The most recent earlier day that had items, `YYYY-MM-DD`.
    pub from: String,
    /// Its items neither checked off nor with a done/canceled task, and
    /// not planned on this day already.
    pub items: Vec<MyDayItem>,
}

/// One person's day.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct MyDay {
    /// `YYYY-MM-DD`.
    pub date: String,
    /// In the person's order.
    pub items: Vec<MyDayItem>,
    /// Absent when the earlier day left nothing unfinished.
    pub offer: Option<MyDayOffer>,
}

/// `POST /workspaces/{ws}/my-day/items`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewMyDayItem {
    /// Task key or id.
    pub task: String,
    /// `YYYY-MM-DD`, the caller's local date; default: today in UTC.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
}

/// `PATCH /workspaces/{ws}/my-day/items/{id}`: absent fields stay.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MyDayItemPatch {
    /// Check the item off (`true`) or back on (`false`). Checking off does
    /// not change the task.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub done: Option<bool>,
    /// Move the item to this place in its day (0 = first).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<i64>,
    /// Also mark the task itself done (needs permission to edit tasks);
    /// implies `done: true`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub complete_task: bool,
}

/// `POST /workspaces/{ws}/my-day/carry-over`: accept the offer.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CarryOver {
    /// The day to add to, `YYYY-MM-DD`; default: today in UTC.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// Only these of the offered tasks (keys or ids); default: all.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tasks: Vec<String>,
}

/// What one earlier day held.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct MyDayHistoryDay {
    /// `YYYY-MM-DD`.
    pub date: String,
    /// Items planned that day.
    pub total: i64,
    /// Of them, checked off.
    pub done: i64,
    pub items: Vec<MyDayItem>,
}

/// The days before `date` (14 at most) that held items, newest first.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct MyDayHistory {
    pub date: String,
    pub days: Vec<MyDayHistoryDay>,
}

//! Cycles (sprints): a product's named run of days, the tasks in its
//! scope, its progress and its burn-up series.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// An amount of work: tasks, and their estimates summed (tasks without an
/// estimate count as 0 points).
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct WorkAmount {
    pub tasks: i64,
    pub points: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct Cycle {
    pub id: String,
    pub name: String,
    /// The product key.
    pub product: String,
    /// First day, `YYYY-MM-DD`.
    pub start_date: String,
    /// Last day (included), `YYYY-MM-DD`.
    pub end_date: String,
    /// upcoming, active or completed (relative to today, UTC).
    pub phase: String,
    /// The tasks in scope now. Canceled tasks are not counted.
    pub scope: WorkAmount,
    /// Of the scope, the tasks that are done.
    pub progress: WorkAmount,
    pub created_at: String,
    pub updated_at: String,
    pub version: i64,
}

/// `POST /workspaces/{ws}/cycles`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCycle {
    pub name: String,
    /// Product key.
    pub product: String,
    /// `YYYY-MM-DD`.
    pub start_date: String,
    /// `YYYY-MM-DD`, after `start_date`.
    pub end_date: String,
}

/// `PATCH /workspaces/{ws}/cycles/{id}`: absent fields stay.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CyclePatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_date: Option<String>,
}

/// `POST /workspaces/{ws}/cycles/{id}/tasks`: the tasks to add to the
/// scope (one leaves it with `DELETE …/cycles/{id}/tasks/{task}`).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CycleTasks {
    /// Task keys or ids, of the cycle's product.
    pub tasks: Vec<String>,
}

/// Scope and completed work at the end of one day (UTC).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct BurnupDay {
    /// `YYYY-MM-DD`.
    pub date: String,
    pub scope: WorkAmount,
    pub done: WorkAmount,
}

/// The burn-up series: one entry per day from the start up to today (or
/// the end, if it is past).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct Burnup {
    pub start_date: String,
    pub end_date: String,
    pub days: Vec<BurnupDay>,
}

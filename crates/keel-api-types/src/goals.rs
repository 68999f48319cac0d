//! Goals and OKRs: objectives with key results, check-ins over time, and
//! the computed SMART check, progress, health and forecast.

use crate::PersonRef;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// What a goal lacks of metric, target, deadline, owner and baseline.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct Smart {
    pub ok: bool,
    /// Subset of metric, target, deadline, owner, baseline, in that order.
    pub missing: Vec<String>,
}

/// A goal; a key result is a goal with a `parent` (its objective).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct Goal {
    pub id: String,
    /// Product key.
    pub product: String,
    /// The objective's id, for a key result.
    pub parent: Option<String>,
    pub title: String,
    /// `manual` (check-ins) or `linked_features` (the share of the goal's
    /// features shipped, declined ones not counted; then baseline is 0,
    /// target the features counted and current those shipped).
    pub measure: String,
    pub metric: String,
    pub baseline: Option<f64>,
    pub target: Option<f64>,
    pub unit: String,
    /// YYYY-MM-DD.
    pub deadline: Option<String>,
    pub owner: Option<PersonRef>,
    /// The latest check-in's value.
    pub current: Option<f64>,
    /// (current − baseline) ÷ (target − baseline) in [0, 1]; null when not
    /// measurable (no target, or target equal to baseline).
    pub progress: Option<f64>,
    /// on_track, at_risk, off_track, done or not_started.
    pub health: String,
    pub smart: Smart,
    /// The value a least-squares line through the check-ins reaches on the
    /// deadline; null with fewer than two check-ins.
    pub forecast: Option<f64>,
    /// Ids of the key results, for an objective.
    pub key_results: Vec<String>,
    pub created_at: String,
    pub updated_at: String,
    pub version: i64,
}

/// `POST /workspaces/{ws}/goals`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewGoal {
    /// Product key.
    pub product: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metric: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// YYYY-MM-DD.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline: Option<String>,
    /// A member's user id or email.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// The objective's id: makes this a key result.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// `manual` (default) or `linked_features`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub measure: Option<String>,
}

/// `PATCH /workspaces/{ws}/goals/{id}`: absent fields stay, `null` clears
/// an optional one.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GoalPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metric: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::common::double_option"
    )]
    #[schema(value_type = Option<f64>)]
    pub baseline: Option<Option<f64>>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::common::double_option"
    )]
    #[schema(value_type = Option<f64>)]
    pub target: Option<Option<f64>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::common::double_option"
    )]
    #[schema(value_type = Option<String>)]
    pub deadline: Option<Option<String>>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::common::double_option"
    )]
    #[schema(value_type = Option<String>)]
    pub owner: Option<Option<String>>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::common::double_option"
    )]
    #[schema(value_type = Option<String>)]
    pub parent: Option<Option<String>>,
    /// `manual` or `linked_features`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub measure: Option<String>,
}

/// A measured value of a goal on a day.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct Checkin {
    pub id: String,
    pub goal_id: String,
    pub value: f64,
    pub note: String,
    /// YYYY-MM-DD.
    pub date: String,
    pub created_at: String,
}

/// `POST /workspaces/{ws}/goals/{id}/checkins`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCheckin {
    pub value: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// YYYY-MM-DD; today (UTC) when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
}

//! Prioritization of features on the wire: the score inputs a client sends
//! on `POST`/`PATCH …/features`, the computed `scores` a feature carries
//! (API.md "Computed fields"), manual rank moves and the score history.

use crate::PersonRef;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// RICE inputs. `impact` ∈ {0.25, 0.5, 1, 2, 3}, `confidence` a fraction
/// 0–1, `effort` person-months > 0 (at least 0.001). Without `reach`, reach is
/// the number of distinct customers whose feedback is linked to the feature.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RiceInput {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reach: Option<f64>,
    pub impact: f64,
    pub confidence: f64,
    pub effort: f64,
}

/// WSJF inputs: non-negative numbers (any scale the team uses, e.g. 1–20
/// Fibonacci), `job_size` > 0 (at least 0.001).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct WsjfInput {
    pub business_value: f64,
    pub time_criticality: f64,
    pub risk_reduction: f64,
    pub job_size: f64,
}

/// A feature's computed scores; `null` where it is not scored.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct Scores {
    /// reach × impact × confidence ÷ effort.
    pub rice: Option<f64>,
    /// (business_value + time_criticality + risk_reduction) ÷ job_size.
    pub wsjf: Option<f64>,
    /// Value rating, 1–10.
    pub value: Option<i64>,
    /// Effort rating, 1–10.
    pub effort: Option<i64>,
    /// value ÷ effort, when both are rated.
    pub value_effort: Option<f64>,
    /// must, should, could or wont.
    pub moscow: Option<String>,
    /// The reach RICE used: the given one, or the linked customers.
    pub reach_used: Option<f64>,
    /// Place in the product's manual order (1 = first), once it was ordered
    /// by hand; features created since have none and come last.
    pub manual_rank: Option<i64>,
}

/// `POST …/features/{id}/rank`: put the feature right before or right after
/// another feature of its product in the manual order. `reason` is required.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RankMove {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
    pub reason: String,
}

/// One change of a score input or of the manual rank.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct ScoreChange {
    pub id: String,
    /// `rice.reach`, `rice.impact`, …, `wsjf.job_size`, `value`, `effort`,
    /// `moscow` or `manual_rank`.
    pub field: String,
    /// As text; `null` when it was not set.
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    pub reason: String,
    pub by: PersonRef,
    pub created_at: String,
}

/// `GET …/features/{id}/score-history`, oldest first.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct ScoreHistory {
    pub items: Vec<ScoreChange>,
    pub next_cursor: Option<String>,
}

//! Technical feasibility on the wire: the cost a feature carries (taken
//! from the effort on its scores). Risk and dependencies are plain fields
//! of [`crate::Feature`].

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// `feature.cost`: the effort already on the scores, not typed twice.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct FeatureCost {
    pub amount: f64,
    /// `person_months` (from `rice.effort`) or `effort_points` (from the
    /// 1–10 effort rating, used when there is no RICE effort).
    pub unit: String,
}

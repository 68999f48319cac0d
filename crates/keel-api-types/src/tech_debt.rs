//! The tech-debt capacity budget of a cycle on the wire: the target share
//! a team sets and the actual share of done estimate points on tech debt.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// `GET/PUT …/cycles/{id}/tech-debt`. A done task of the scope counts as
/// tech debt when its type is `tech_debt` or its feature's type is.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct TechDebtBudget {
    /// The cycle id.
    pub cycle: String,
    /// Target share of done points on tech debt, 0–1; `null` = none set.
    pub target: Option<f64>,
    /// tech_debt_points ÷ done_points; `null` while nothing is done.
    pub actual: Option<f64>,
    /// Estimate points of the done tech-debt tasks in scope.
    pub tech_debt_points: f64,
    /// Estimate points of all done tasks in scope.
    pub done_points: f64,
    /// `no_target`, `nothing_done`, `under`, `on_target` (within 0.05 of
    /// the target) or `over`.
    pub standing: String,
    /// The cycle's version (the ETag of the cycle).
    pub version: i64,
}

/// `PUT …/cycles/{id}/tech-debt`: the target share, 0–1; `null` clears it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TechDebtTarget {
    pub target: Option<f64>,
}

//! The decision log: decisions with their options, outcome, rationale, who
//! was informed and the items they are about, and the declined features
//! whose demand has grown enough to be worth another look.

use crate::{Demand, PersonRef};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Someone told about a decision: a workspace member (`user` set, `name`
/// their current name) or a free-text name.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct InformedPerson {
    pub name: String,
    pub user: Option<PersonRef>,
}

/// A feature a decision is about, with its demand when the link was made.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct DecisionFeature {
    pub id: String,
    /// `feature.demand` on the day it was linked; `null` for links made
    /// before demand was recorded.
    pub demand_at_decision: Option<Demand>,
}

/// A decision of the log.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct Decision {
    pub id: String,
    /// Product key.
    pub product: String,
    /// What was decided, in a line.
    pub title: String,
    pub context: String,
    /// The options considered, in the order given.
    pub options: Vec<String>,
    /// accepted, declined or deferred.
    pub outcome: String,
    /// Empty when none was given (shown as "rationale missing").
    pub rationale: String,
    /// True when `rationale` is blank.
    pub rationale_missing: bool,
    pub informed: Vec<InformedPerson>,
    /// YYYY-MM-DD.
    pub date: String,
    pub decided_by: Option<PersonRef>,
    /// YYYY-MM-DD: not flagged as worth another look before this day.
    pub look_again_after: Option<String>,
    pub features: Vec<DecisionFeature>,
    /// Goal ids.
    pub goals: Vec<String>,
    /// Feedback ids.
    pub feedback: Vec<String>,
    pub created_at: String,
    pub updated_at: String,
    pub version: i64,
}

/// `POST /workspaces/{ws}/decisions`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewDecision {
    /// Product key.
    pub product: String,
    pub title: String,
    /// accepted, declined or deferred.
    pub outcome: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub options: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rationale: Option<String>,
    /// Each a member's user id or email, or any other name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub informed: Option<Vec<String>>,
    /// YYYY-MM-DD; today when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// A member's user id or email; the caller when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_by: Option<String>,
    /// YYYY-MM-DD.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub look_again_after: Option<String>,
    /// Feature ids of the same workspace.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub features: Option<Vec<String>>,
    /// Goal ids of the same workspace.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub goals: Option<Vec<String>>,
    /// Feedback ids of the same workspace.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feedback: Option<Vec<String>>,
}

/// `PATCH /workspaces/{ws}/decisions/{id}`: absent fields stay; a list
/// given replaces the old one; `null` clears `decided_by` or
/// `look_again_after`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub options: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rationale: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub informed: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::common::double_option"
    )]
    #[schema(value_type = Option<String>)]
    pub decided_by: Option<Option<String>>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::common::double_option"
    )]
    #[schema(value_type = Option<String>)]
    pub look_again_after: Option<Option<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub features: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub goals: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feedback: Option<Vec<String>>,
}

/// The note recorded with a feature's decline (`decision` in the feature
/// `PATCH` that sets `status` to `declined`).
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeclineNote {
    pub rationale: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<String>,
    /// Each a member's user id or email, or any other name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub informed: Option<Vec<String>>,
}

/// A declined feature whose demand has grown enough since the decision.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct AnotherLook {
    /// The declined decision's id.
    pub decision: String,
    pub decision_title: String,
    /// YYYY-MM-DD of the decision.
    pub date: String,
    pub feature: String,
    pub feature_title: String,
    /// Product key.
    pub product: String,
    /// Demand when declined.
    pub before: Demand,
    /// Demand now.
    pub after: Demand,
}

/// `GET /workspaces/{ws}/decisions/worth-another-look`, most grown first.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct AnotherLookList {
    pub items: Vec<AnotherLook>,
    pub next_cursor: Option<String>,
}

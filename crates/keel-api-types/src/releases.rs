//! Releases: a product's version with a target date, its scope (features
//! and tasks), progress and burn-up, release notes in customer language,
//! and shipping, which lists the customers to tell.
//!
//! `version` on a release is its version label (`1.4.0`), as API.md fixes
//! it; the integer every item carries for `ETag`/`If-Match` is therefore
//! called `revision` here.

use crate::PersonRef;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A feature in a release's scope.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct ReleaseFeature {
    pub id: String,
    pub title: String,
    /// new_capability, improvement or tech_debt.
    #[serde(rename = "type")]
    pub feature_type: String,
    pub status: String,
    /// The sentence the release notes use (empty: the title is used).
    pub customer_summary: String,
    /// The notes section it goes in: new, improved or fixed.
    pub note_kind: String,
}

/// A task in a release's scope.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct ReleaseTask {
    pub id: String,
    /// `PRODUCTKEY-N`.
    pub key: String,
    pub title: String,
    #[serde(rename = "type")]
    pub task_type: String,
    pub status: String,
    pub estimate: Option<f64>,
    /// The feature it came with; null for a task put in on its own.
    pub feature: Option<String>,
}

/// Done work against the scope.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct ReleaseProgress {
    pub scope_tasks: i64,
    pub done_tasks: i64,
    pub scope_points: f64,
    pub done_points: f64,
    /// Done share of the estimate when any task is estimated, else of the
    /// task count; null with no tasks in scope. Canceled tasks leave the
    /// scope.
    pub share: Option<f64>,
}

/// One day of the burn-up: the scope and done work at its end.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct ReleaseBurnupDay {
    /// YYYY-MM-DD.
    pub date: String,
    pub scope_points: f64,
    pub done_points: f64,
    pub scope_tasks: i64,
    pub done_tasks: i64,
}

/// A customer who asked for something in the release, to tell it shipped.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct CustomerToNotify {
    pub id: String,
    pub name: String,
    pub email: Option<String>,
    /// The features they asked for, by customer-facing text (summary, else
    /// title).
    pub features: Vec<String>,
    /// Ids of those features, in the same order.
    pub feature_ids: Vec<String>,
    /// A plain-text message naming them and what they asked for, to edit
    /// and send.
    pub message: String,
}

/// A release.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct Release {
    pub id: String,
    /// Product key.
    pub product: String,
    /// The version label, e.g. `1.4.0` (unique per product).
    pub version: String,
    pub name: String,
    /// YYYY-MM-DD.
    pub target_date: Option<String>,
    /// planned or shipped.
    pub status: String,
    pub shipped_at: Option<String>,
    pub shipped_by: Option<PersonRef>,
    pub features: Vec<ReleaseFeature>,
    pub tasks: Vec<ReleaseTask>,
    pub progress: ReleaseProgress,
    /// From the day it was made to its ship date (else its target date, or
    /// today when later), up to today.
    pub burnup: Vec<ReleaseBurnupDay>,
    pub created_at: String,
    pub updated_at: String,
    /// The optimistic-concurrency counter (`ETag`, `If-Match`).
    pub revision: i64,
}

/// The answer to shipping: the release, and who to tell.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct ShippedRelease {
    #[serde(flatten)]
    pub release: Release,
    /// Distinct customers with feedback linked to any feature in the
    /// release, by name.
    pub customers_to_notify: Vec<CustomerToNotify>,
}

/// `POST /workspaces/{ws}/releases`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewRelease {
    /// Product key.
    pub product: String,
    pub version: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// YYYY-MM-DD.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_date: Option<String>,
    /// Feature ids of the product.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub features: Option<Vec<String>>,
    /// Task keys or ids of the product.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tasks: Option<Vec<String>>,
}

/// `PATCH /workspaces/{ws}/releases/{id}`: absent fields stay; `null`
/// clears the target date.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReleasePatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::common::double_option"
    )]
    #[schema(value_type = Option<String>)]
    pub target_date: Option<Option<String>>,
}

/// `POST /workspaces/{ws}/releases/{id}/scope`: features and tasks to add
/// to and remove from the scope, all at once.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReleaseScopeChange {
    /// Feature ids to add.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub add_features: Vec<String>,
    /// Feature ids to remove.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub remove_features: Vec<String>,
    /// Task keys or ids to add.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub add_tasks: Vec<String>,
    /// Task keys or ids to remove.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub remove_tasks: Vec<String>,
}

/// Generated release notes.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct ReleaseNotes {
    /// markdown or html.
    pub format: String,
    pub text: String,
}

/// A feature's customer-facing summary.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct CustomerSummary {
    pub feature: String,
    /// One line customers understand; empty means "use the title".
    pub customer_summary: String,
    /// new, improved or fixed: where release notes put the feature.
    pub note_kind: String,
    /// The feature's version after the change.
    pub version: i64,
}

/// `PUT /workspaces/{ws}/features/{id}/customer-summary`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CustomerSummaryInput {
    pub customer_summary: String,
}

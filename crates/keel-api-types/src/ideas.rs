//! Ideas: suggestions from the team, brainstorming or the public portal,
//! voted on, backed by feedback passages, and promoted to features.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// An idea with its vote count.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct Idea {
    pub id: String,
    /// Product key.
    pub product: String,
    pub title: String,
    /// Markdown.
    pub description: String,
    /// new, under_review, promoted or declined.
    pub status: String,
    /// team, portal or brainstorm.
    pub source: String,
    /// Shown on the product's public portal.
    pub public: bool,
    pub votes: i64,
    /// Whether the caller has voted for it.
    pub voted: bool,
    /// The customer who suggested it on the portal; absent for callers who
    /// may not read customer data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer: Option<String>,
    /// The feature it was promoted to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feature: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub version: i64,
}

/// `POST /workspaces/{ws}/ideas`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewIdea {
    /// Product key.
    pub product: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// team (default) or brainstorm; portal ideas come from the portal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public: Option<bool>,
}

/// `PATCH /workspaces/{ws}/ideas/{id}`: absent fields stay.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IdeaPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// new, under_review or declined (promoted only by promoting).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public: Option<bool>,
}

/// `POST /workspaces/{ws}/ideas/{id}/promote`: the new feature's fields,
/// taken from the idea when absent.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PromoteIdea {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub feature_type: Option<String>,
}

/// Evidence for an idea: a passage of a feedback item.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct IdeaLink {
    pub id: String,
    pub idea_id: String,
    pub feedback_id: String,
    /// nice_to_have, important or critical.
    pub importance: String,
    pub excerpt: String,
    pub created_at: String,
}

/// `POST /workspaces/{ws}/ideas/{id}/links`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewIdeaLink {
    /// Feedback id.
    pub feedback: String,
    /// nice_to_have, important or critical.
    pub importance: String,
    /// A passage of the feedback text; the whole text when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub excerpt: Option<String>,
}

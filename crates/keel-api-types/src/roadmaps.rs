//! Roadmaps: features placed in now / next / later lanes and on a month
//! timeline, what stakeholders may see of them, and read-only share links.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A roadmap of one product; `items` only when one roadmap is read.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct Roadmap {
    pub id: String,
    /// Product key.
    pub product: String,
    pub name: String,
    pub description: String,
    /// Lane by lane (now, next, later), each in position order. Left out of
    /// lists.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub items: Option<Vec<RoadmapItem>>,
    pub created_at: String,
    pub updated_at: String,
    /// Moves with every change of the roadmap's items too.
    pub version: i64,
}

/// A feature placed on a roadmap.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct RoadmapItem {
    pub id: String,
    pub roadmap_id: String,
    /// Feature id.
    pub feature: String,
    /// The feature's title and status, as they are now.
    pub feature_title: String,
    pub feature_status: String,
    /// now, next or later.
    pub lane: String,
    /// 0..n within the lane.
    pub position: i64,
    /// YYYY-MM: where the item starts and ends on the timeline (null: not
    /// scheduled).
    pub start_month: Option<String>,
    pub end_month: Option<String>,
    /// Shown on share links.
    pub public: bool,
    /// What share links show instead of the feature's title ("" = the
    /// feature's title).
    pub public_title: String,
    /// What share links show as the summary ("" = none).
    pub public_summary: String,
    /// Ids of the goals the feature serves.
    pub goals: Vec<String>,
    pub created_at: String,
    pub updated_at: String,
    pub version: i64,
}

/// `POST /workspaces/{ws}/roadmaps`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewRoadmap {
    /// Product key.
    pub product: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// `PATCH /workspaces/{ws}/roadmaps/{id}`: absent fields stay.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoadmapPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// `POST /workspaces/{ws}/roadmaps/{id}/items`: places a feature of the
/// roadmap's product, last in its lane.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewRoadmapItem {
    /// Feature id.
    pub feature: String,
    /// now, next or later (default later).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lane: Option<String>,
    /// YYYY-MM.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_month: Option<String>,
    /// YYYY-MM, not before start_month (default: start_month).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_month: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_summary: Option<String>,
}

/// `PATCH /workspaces/{ws}/roadmaps/{id}/items/{item}`: absent fields stay;
/// `null` unschedules (start_month) or ends with the start (end_month).
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoadmapItemPatch {
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::common::double_option"
    )]
    #[schema(value_type = Option<String>)]
    pub start_month: Option<Option<String>>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::common::double_option"
    )]
    #[schema(value_type = Option<String>)]
    pub end_month: Option<Option<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_summary: Option<String>,
}

/// `POST /workspaces/{ws}/roadmaps/{id}/items/{item}/move`: into `lane`
/// (default: the item's own), right before or after another item of that
/// lane, or last there when neither is given.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoadmapItemMove {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lane: Option<String>,
    /// Item id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<String>,
    /// Item id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
}

/// A read-only share link, without its secret.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct ShareLink {
    pub id: String,
    pub roadmap_id: String,
    pub label: String,
    /// User id of who made it.
    pub created_by: String,
    pub created_at: String,
}

/// `POST /workspaces/{ws}/roadmaps/{id}/share-links`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewShareLink {
    /// Who it is for, e.g. "Board update" (optional).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

/// A share link just made: the only time its secret is shown.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct CreatedShareLink {
    pub id: String,
    pub roadmap_id: String,
    pub label: String,
    pub created_by: String,
    pub created_at: String,
    /// The secret; only its hash is stored.
    pub token: String,
    /// The page to send, relative to the server: `/share/roadmaps/{token}`.
    pub url: String,
}

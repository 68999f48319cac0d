//! Initiatives: a product's features grouped toward one or more of its
//! goals.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// An initiative with the ids of the goals it moves and the features it
/// groups.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct Initiative {
    pub id: String,
    /// Product key.
    pub product: String,
    pub title: String,
    pub description: String,
    /// planned, in_progress, done or cancelled.
    pub status: String,
    /// Goal ids of the initiative's product.
    pub goals: Vec<String>,
    /// Feature ids of the initiative's product.
    pub features: Vec<String>,
    pub created_at: String,
    pub updated_at: String,
    pub version: i64,
}

/// `POST /workspaces/{ws}/initiatives`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewInitiative {
    /// Product key.
    pub product: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// planned (default), in_progress, done or cancelled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Goal ids of the same product.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub goals: Option<Vec<String>>,
    /// Feature ids of the same product.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub features: Option<Vec<String>>,
}

/// `PATCH /workspaces/{ws}/initiatives/{id}`: absent fields stay; `goals`
/// and `features`, when given, replace the whole list.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InitiativePatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub goals: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub features: Option<Vec<String>>,
}

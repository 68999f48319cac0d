//! A product's vision and strategy: the current text, its numbered
//! versions, and a line comparison of two versions.

use crate::PersonRef;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// One version of a product's vision and strategy (the newest is current).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct StrategyVersion {
    /// Product key.
    pub product: String,
    /// 1, 2, 3 … per product; 0 for a product whose vision was never
    /// saved as a version (its vision as created, no strategy yet).
    pub number: i64,
    /// Markdown.
    pub vision: String,
    /// Markdown.
    pub strategy: String,
    /// Why it changed, as the author put it.
    pub note: String,
    /// Null for version 0.
    pub author: Option<PersonRef>,
    pub created_at: Option<String>,
}

/// `POST /workspaces/{ws}/products/{key}/strategy/versions`: a new version;
/// a field left out keeps the current text.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewStrategyVersion {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vision: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strategy: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The version this edit started from; when a newer one exists the save
    /// is refused with 409 rather than overwriting it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base: Option<i64>,
}

/// A line of a comparison.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct DiffLine {
    /// same, added or removed.
    pub change: String,
    pub text: String,
}

/// `GET …/strategy/compare?from=&to=`: what changed from one version to
/// another, line by line.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct StrategyComparison {
    pub from: StrategyVersion,
    pub to: StrategyVersion,
    pub vision: Vec<DiffLine>,
    pub strategy: Vec<DiffLine>,
}

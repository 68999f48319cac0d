//! Market: competitors and the feature comparison matrix, the SWOT board
//! of a product, and market-trend notes. Everyone in the workspace reads
//! them; changing them needs the right to write.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct Competitor {
    pub id: String,
    /// The product key, or `null` for a competitor of every product.
    pub product: Option<String>,
    /// Unique in the workspace (any case).
    pub name: String,
    /// `http(s)://…`, or `""` when not set.
    pub website: String,
    /// Markdown.
    pub description: String,
    /// Markdown.
    pub strengths: String,
    /// Markdown.
    pub weaknesses: String,
    /// Pricing notes, Markdown.
    pub pricing: String,
    /// How it covers each feature assessed so far (one competitor only;
    /// lists leave it out).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub features: Option<Vec<Coverage>>,
    pub created_at: String,
    pub updated_at: String,
    pub version: i64,
}

/// `POST /workspaces/{ws}/competitors`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCompetitor {
    pub name: String,
    /// Product key; absent: a competitor of every product.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strengths: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weaknesses: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pricing: Option<String>,
}

/// `PATCH /workspaces/{ws}/competitors/{id}`: absent fields stay;
/// `product: null` makes it a competitor of every product; `""` clears
/// `website` and the texts.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CompetitorPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(
        default,
        deserialize_with = "crate::common::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<String>)]
    pub product: Option<Option<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strengths: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weaknesses: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pricing: Option<String>,
}

/// How a competitor covers one feature: a cell of the matrix.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct Coverage {
    /// Competitor id.
    pub competitor: String,
    /// Feature id.
    pub feature: String,
    pub feature_title: String,
    /// The feature's product key.
    pub product: String,
    /// `has`, `partial` or `none`.
    pub level: String,
    pub note: String,
    pub updated_at: String,
    pub version: i64,
}

/// `PUT /workspaces/{ws}/competitors/{id}/features/{feature}`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetCoverage {
    /// `has`, `partial` or `none`.
    pub level: String,
    /// Absent: `""`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A column of the matrix.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct MatrixCompetitor {
    pub id: String,
    pub name: String,
    /// `null` for a competitor of every product.
    pub product: Option<String>,
}

/// One cell of a matrix row, in the order of the matrix's competitors.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct MatrixCell {
    /// Competitor id.
    pub competitor: String,
    /// `has`, `partial` or `none`; `null` when not assessed yet.
    pub level: Option<String>,
    pub note: String,
}

/// A row of the matrix: one feature of the product.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct MatrixRow {
    /// Feature id.
    pub feature: String,
    pub title: String,
    /// Where we are with it: the feature's status (`shipped`, `planned`, …).
    pub us: String,
    pub cells: Vec<MatrixCell>,
}

/// `GET /workspaces/{ws}/competitors/matrix?product=KEY`: the product's
/// features (rows, by title) × its competitors (columns, by name).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct Matrix {
    pub product: String,
    pub competitors: Vec<MatrixCompetitor>,
    pub rows: Vec<MatrixRow>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct SwotItem {
    pub id: String,
    /// The product key.
    pub product: String,
    /// `strength`, `weakness`, `opportunity` or `threat`.
    pub quadrant: String,
    pub text: String,
    /// Order inside the quadrant, from 0.
    pub position: i64,
    pub created_at: String,
    pub updated_at: String,
    pub version: i64,
}

/// `POST /workspaces/{ws}/swot`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewSwotItem {
    /// Product key.
    pub product: String,
    /// `strength`, `weakness`, `opportunity` or `threat`.
    pub quadrant: String,
    pub text: String,
    /// Where in the quadrant (0 = first); absent: last.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<i64>,
}

/// `PATCH /workspaces/{ws}/swot/{id}`: new text, and/or a move. Another
/// `quadrant` without `position` puts the item last there.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SwotPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quadrant: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<i64>,
}

/// `GET /workspaces/{ws}/swot?product=KEY`: the board, each quadrant in
/// board order.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct SwotBoard {
    pub product: String,
    pub strengths: Vec<SwotItem>,
    pub weaknesses: Vec<SwotItem>,
    pub opportunities: Vec<SwotItem>,
    pub threats: Vec<SwotItem>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct Trend {
    pub id: String,
    /// The product key.
    pub product: String,
    pub title: String,
    /// Markdown.
    pub body: String,
    /// Where it was seen: `http(s)://…`, or `""`.
    pub source_url: String,
    /// `YYYY-MM-DD`.
    pub observed_on: String,
    /// `low`, `medium` or `high`.
    pub impact: String,
    pub created_at: String,
    pub updated_at: String,
    pub version: i64,
}

/// `POST /workspaces/{ws}/trends`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTrend {
    /// Product key.
    pub product: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_url: Option<String>,
    /// `YYYY-MM-DD`; absent: today (UTC).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observed_on: Option<String>,
    /// `low`, `medium` (default) or `high`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub impact: Option<String>,
}

/// `PATCH /workspaces/{ws}/trends/{id}`: absent fields stay; `""` clears
/// `body` and `source_url`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TrendPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observed_on: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub impact: Option<String>,
}

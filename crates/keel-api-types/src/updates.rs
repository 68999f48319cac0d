//! The stakeholder update: a generated plain-language digest of one
//! product over a period, in Markdown and HTML.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// `GET /workspaces/{ws}/updates`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct StakeholderUpdate {
    /// Product key.
    pub product: String,
    /// First day of the period, YYYY-MM-DD.
    pub since: String,
    /// Last day of the period (included), YYYY-MM-DD.
    pub until: String,
    /// The digest as Markdown; empty when `format=html` was asked for.
    pub markdown: String,
    /// The digest as an HTML fragment, every text escaped; empty when
    /// `format=markdown` was asked for.
    pub html: String,
}

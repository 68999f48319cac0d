//! Global search: `GET /workspaces/{ws}/search?q=&kind=&limit=`.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// One search hit.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct SearchHit {
    /// task, feedback, feature, idea, customer, company, persona, goal or
    /// doc.
    pub kind: String,
    /// The item's id.
    pub id: String,
    /// The task key (`KEEL-42`); tasks only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// The item's title, or name (customers, companies, personas); for
    /// feedback, the start of its text. Plain text.
    pub title: String,
    /// A passage of the item (at most 160 characters, `…` where cut) with
    /// each matched word between `«` and `»`. A `«` or `»` in the item's
    /// own text is shown as `‹` or `›`, so every marker is a match: escape
    /// the snippet as plain text first (it may contain `<` or `&`), then
    /// turn `«…»` into `<mark>…</mark>`.
    pub snippet: String,
    /// Relevance, higher is better. Comparable within one response only.
    pub score: f64,
}

/// `GET /workspaces/{ws}/search`: hits, best first.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct SearchResults {
    pub items: Vec<SearchHit>,
}

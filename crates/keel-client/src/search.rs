//! Global search across a workspace.

use crate::request::Query;
use crate::{ClientError, KeelClient};
use keel_api_types::SearchResults;

impl KeelClient {
    /// `GET /api/v1/workspaces/{ws}/search?q=&kind=&limit=`: hits, best
    /// first. `kind` is one kind or several comma-separated (all when
    /// `None`); `limit` 1–50 (server default 20).
    pub async fn search(
        &self,
        ws: &str,
        q: &str,
        kind: Option<&str>,
        limit: Option<u32>,
    ) -> Result<SearchResults, ClientError> {
        let mut query: Query = vec![("q", q.to_owned())];
        if let Some(kind) = kind {
            query.push(("kind", kind.to_owned()));
        }
        if let Some(limit) = limit {
            query.push(("limit", limit.to_string()));
        }
        self.get(&["api", "v1", "workspaces", ws, "search"], &query)
            .await
    }
}

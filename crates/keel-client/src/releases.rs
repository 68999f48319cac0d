//! Releases as the API serves them: list, notes, ship.

use crate::request::ListParams;
use crate::{ClientError, KeelClient};
use keel_api_types::{Page, Release, ReleaseNotes, ShippedRelease};

impl KeelClient {
    /// `GET /api/v1/workspaces/{ws}/releases?product=`.
    pub async fn list_releases(
        &self,
        ws: &str,
        product: Option<&str>,
        page: &ListParams,
    ) -> Result<Page<Release>, ClientError> {
        let mut query = Vec::new();
        if let Some(p) = product {
            query.push(("product", p.to_string()));
        }
        page.push_query(&mut query);
        self.get(&["api", "v1", "workspaces", ws, "releases"], &query)
            .await
    }

    /// `GET /api/v1/workspaces/{ws}/releases/{id}/notes?format=`.
    pub async fn release_notes(
        &self,
        ws: &str,
        id: &str,
        format: &str,
    ) -> Result<ReleaseNotes, ClientError> {
        self.get(
            &["api", "v1", "workspaces", ws, "releases", id, "notes"],
            &vec![("format", format.to_string())],
        )
        .await
    }

    /// `POST /api/v1/workspaces/{ws}/releases/{id}/ship`.
    pub async fn ship_release(&self, ws: &str, id: &str) -> Result<ShippedRelease, ClientError> {
        self.post(
            &["api", "v1", "workspaces", ws, "releases", id, "ship"],
            &serde_json::json!({}),
        )
        .await
    }
}

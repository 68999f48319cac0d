//! The decision log as the API serves it: list, record, read one.

use crate::request::ListParams;
use crate::{ClientError, KeelClient};
use keel_api_types::{Decision, NewDecision, Page};

impl KeelClient {
    /// `GET /api/v1/workspaces/{ws}/decisions?product=&outcome=&feature=`.
    pub async fn list_decisions(
        &self,
        ws: &str,
        product: Option<&str>,
        outcome: Option<&str>,
        feature: Option<&str>,
        page: &ListParams,
    ) -> Result<Page<Decision>, ClientError> {
        let mut query = Vec::new();
        for (name, value) in [
            ("product", product),
            ("outcome", outcome),
            ("feature", feature),
        ] {
            if let Some(v) = value {
                query.push((name, v.to_string()));
            }
        }
        page.push_query(&mut query);
        self.get(&["api", "v1", "workspaces", ws, "decisions"], &query)
            .await
    }

    /// `POST /api/v1/workspaces/{ws}/decisions`.
    pub async fn create_decision(
        &self,
        ws: &str,
        body: &NewDecision,
    ) -> Result<Decision, ClientError> {
        self.post(&["api", "v1", "workspaces", ws, "decisions"], body)
            .await
    }

    /// `GET /api/v1/workspaces/{ws}/decisions/{id}`.
    pub async fn get_decision(&self, ws: &str, id: &str) -> Result<Decision, ClientError> {
        self.get(
            &["api", "v1", "workspaces", ws, "decisions", id],
            &Vec::new(),
        )
        .await
    }
}

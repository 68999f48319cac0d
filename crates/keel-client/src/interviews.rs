//! Customer interviews as the API serves them: list, show, and turn one
//! into feedback items.

use crate::request::ListParams;
use crate::{ClientError, KeelClient};
use keel_api_types::{Interview, InterviewFeedback, Page};

impl KeelClient {
    /// `GET /api/v1/workspaces/{ws}/interviews`, newest first, optionally
    /// one product's (key).
    pub async fn list_interviews(
        &self,
        ws: &str,
        product: Option<&str>,
        page: &ListParams,
    ) -> Result<Page<Interview>, ClientError> {
        let mut query = Vec::new();
        if let Some(p) = product {
            query.push(("product", p.to_string()));
        }
        page.push_query(&mut query);
        self.get(&["api", "v1", "workspaces", ws, "interviews"], &query)
            .await
    }

    /// `GET /api/v1/workspaces/{ws}/interviews/{id}`, with its answers.
    pub async fn get_interview(&self, ws: &str, id: &str) -> Result<Interview, ClientError> {
        self.get(
            &["api", "v1", "workspaces", ws, "interviews", id],
            &Vec::new(),
        )
        .await
    }

    /// `POST /api/v1/workspaces/{ws}/interviews/{id}/feedback`: one
    /// feedback item per answer not turned into feedback before.
    pub async fn interview_feedback(
        &self,
        ws: &str,
        id: &str,
    ) -> Result<InterviewFeedback, ClientError> {
        self.post(
            &["api", "v1", "workspaces", ws, "interviews", id, "feedback"],
            &serde_json::json!({}),
        )
        .await
    }
}

//! Goals and key results as the API serves them: list, set one, check in.

use crate::request::ListParams;
use crate::{ClientError, KeelClient};
use keel_api_types::{Checkin, Goal, NewCheckin, NewGoal, Page};

impl KeelClient {
    /// `GET /api/v1/workspaces/{ws}/goals?product=`.
    pub async fn list_goals(
        &self,
        ws: &str,
        product: Option<&str>,
        page: &ListParams,
    ) -> Result<Page<Goal>, ClientError> {
        let mut query = Vec::new();
        if let Some(p) = product {
            query.push(("product", p.to_string()));
        }
        page.push_query(&mut query);
        self.get(&["api", "v1", "workspaces", ws, "goals"], &query)
            .await
    }

    /// `POST /api/v1/workspaces/{ws}/goals`.
    pub async fn create_goal(&self, ws: &str, body: &NewGoal) -> Result<Goal, ClientError> {
        self.post(&["api", "v1", "workspaces", ws, "goals"], body)
            .await
    }

    /// `GET /api/v1/workspaces/{ws}/goals/{id}`.
    pub async fn get_goal(&self, ws: &str, id: &str) -> Result<Goal, ClientError> {
        self.get(&["api", "v1", "workspaces", ws, "goals", id], &Vec::new())
            .await
    }

    /// `POST /api/v1/workspaces/{ws}/goals/{id}/checkins`.
    pub async fn checkin_goal(
        &self,
        ws: &str,
        id: &str,
        body: &NewCheckin,
    ) -> Result<Checkin, ClientError> {
        self.post(
            &["api", "v1", "workspaces", ws, "goals", id, "checkins"],
            body,
        )
        .await
    }
}

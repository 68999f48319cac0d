//! Ideas as the API serves them: list, suggest, vote, promote to a feature.

use crate::request::ListParams;
use crate::{ClientError, KeelClient};
use keel_api_types::{Feature, Idea, NewIdea, Page, PromoteIdea};
use reqwest::Method;

impl KeelClient {
    /// `GET /api/v1/workspaces/{ws}/ideas?product=&status=&sort=`.
    pub async fn list_ideas(
        &self,
        ws: &str,
        product: Option<&str>,
        sort: Option<&str>,
        page: &ListParams,
    ) -> Result<Page<Idea>, ClientError> {
        let mut query = Vec::new();
        if let Some(p) = product {
            query.push(("product", p.to_string()));
        }
        if let Some(s) = sort {
            query.push(("sort", s.to_string()));
        }
        page.push_query(&mut query);
        self.get(&["api", "v1", "workspaces", ws, "ideas"], &query)
            .await
    }

    /// `POST /api/v1/workspaces/{ws}/ideas`.
    pub async fn create_idea(&self, ws: &str, body: &NewIdea) -> Result<Idea, ClientError> {
        self.post(&["api", "v1", "workspaces", ws, "ideas"], body)
            .await
    }

    /// `POST` (vote) or `DELETE` (take the vote back)
    /// `/api/v1/workspaces/{ws}/ideas/{id}/votes`: the idea as it is now
    /// (read again after a `DELETE`, which answers 204).
    pub async fn vote_idea(&self, ws: &str, id: &str, vote: bool) -> Result<Idea, ClientError> {
        let votes = ["api", "v1", "workspaces", ws, "ideas", id, "votes"];
        if vote {
            return self
                .send_json::<(), Idea>(Method::POST, &votes, &Vec::new(), None, None)
                .await;
        }
        self.delete(&votes).await?;
        self.get(&["api", "v1", "workspaces", ws, "ideas", id], &Vec::new())
            .await
    }

    /// `POST /api/v1/workspaces/{ws}/ideas/{id}/promote`: the new feature.
    pub async fn promote_idea(
        &self,
        ws: &str,
        id: &str,
        body: &PromoteIdea,
    ) -> Result<Feature, ClientError> {
        self.post(
            &["api", "v1", "workspaces", ws, "ideas", id, "promote"],
            body,
        )
        .await
    }
}

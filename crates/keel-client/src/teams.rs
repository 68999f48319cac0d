//! Teams inside a workspace (engineering, design, …), used for assignment
//! and filters.

use crate::request::ListParams;
use crate::{ClientError, KeelClient};
use keel_api_types::{NewTeam, Page, Team};

impl KeelClient {
    /// `GET /api/v1/workspaces/{ws}/teams`.
    pub async fn list_teams(&self, ws: &str, page: &ListParams) -> Result<Page<Team>, ClientError> {
        let mut query = Vec::new();
        page.push_query(&mut query);
        self.get(&["api", "v1", "workspaces", ws, "teams"], &query)
            .await
    }

    /// `POST /api/v1/workspaces/{ws}/teams`.
    pub async fn create_team(&self, ws: &str, new: &NewTeam) -> Result<Team, ClientError> {
        self.post(&["api", "v1", "workspaces", ws, "teams"], new)
            .await
    }
}

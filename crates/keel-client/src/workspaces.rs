//! Workspaces: create, list the caller's, read and rename one; export
//! one whole and import it elsewhere.

use crate::request::ListParams;
use crate::{ClientError, KeelClient};
use keel_api_types::{NewWorkspace, Page, Workspace, WorkspacePatch};

impl KeelClient {
    /// `POST /api/v1/workspaces`: the caller becomes its `owner`.
    pub async fn create_workspace(&self, new: &NewWorkspace) -> Result<Workspace, ClientError> {
        self.post(&["api", "v1", "workspaces"], new).await
    }

    /// `GET /api/v1/workspaces`: the workspaces the caller belongs to.
    pub async fn list_workspaces(&self, page: &ListParams) -> Result<Page<Workspace>, ClientError> {
        let mut query = Vec::new();
        page.push_query(&mut query);
        self.get(&["api", "v1", "workspaces"], &query).await
    }

    /// `GET /api/v1/workspaces/{ws}`.
    pub async fn get_workspace(&self, ws: &str) -> Result<Workspace, ClientError> {
        self.get(&["api", "v1", "workspaces", ws], &Vec::new())
            .await
    }

    /// `PATCH /api/v1/workspaces/{ws}`, with `If-Match` when `if_version`
    /// is given (a stale version → 412, nothing changed).
    pub async fn update_workspace(
        &self,
        ws: &str,
        patch: &WorkspacePatch,
        if_version: Option<i64>,
    ) -> Result<Workspace, ClientError> {
        self.patch(&["api", "v1", "workspaces", ws], patch, if_version)
            .await
    }

    /// `GET /api/v1/workspaces/{ws}/export`: every row of the workspace as
    /// one document, exactly as the server sent it.
    pub async fn export_workspace(&self, ws: &str) -> Result<serde_json::Value, ClientError> {
        self.get(&["api", "v1", "workspaces", ws, "export"], &Vec::new())
            .await
    }

    /// `POST /api/v1/workspaces/import` (instance admins): the document of
    /// [`KeelClient::export_workspace`] becomes a new workspace here.
    pub async fn import_workspace(
        &self,
        document: &serde_json::Value,
    ) -> Result<Workspace, ClientError> {
        self.post(&["api", "v1", "workspaces", "import"], document)
            .await
    }
}

//! User stories and a task's "why" as the API serves them.

use crate::{ClientError, KeelClient};
use keel_api_types::TaskWhy;

impl KeelClient {
    /// `GET /api/v1/workspaces/{ws}/tasks/{id-or-key}/why`.
    pub async fn task_why(&self, ws: &str, task: &str) -> Result<TaskWhy, ClientError> {
        self.get(
            &["api", "v1", "workspaces", ws, "tasks", task, "why"],
            &Vec::new(),
        )
        .await
    }
}

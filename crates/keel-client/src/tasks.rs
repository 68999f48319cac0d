//! Tasks, addressed by id or key (`KEEL-42`), with their comments and their
//! activity history. Task responses carry `ETag: "<version>"`; updates may
//! send `If-Match` so a concurrent change makes them fail with 412 instead
//! of being overwritten.

use crate::request::{ListParams, Query};
use crate::{ClientError, KeelClient};
use keel_api_types::{Activity, Comment, NewComment, NewTask, Page, Task, TaskPatch};

/// Filters of `GET /workspaces/{ws}/tasks`; `None` means "any".
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TaskFilter {
    /// Product key.
    pub product: Option<String>,
    pub status: Option<String>,
    /// User id or email, `me`, or `none` for unassigned tasks.
    pub assignee: Option<String>,
    pub priority: Option<String>,
    pub label: Option<String>,
    /// feature, bug, tech_debt, spike, chore (query parameter `type`).
    pub task_type: Option<String>,
    /// Team key or id.
    pub team: Option<String>,
    /// Parent task id or key: lists its sub-tasks.
    pub parent: Option<String>,
    /// Free text search in titles and descriptions.
    pub q: Option<String>,
    pub page: ListParams,
}

impl TaskFilter {
    fn to_query(&self) -> Query {
        let mut query = Vec::new();
        let pairs = [
            ("product", &self.product),
            ("status", &self.status),
            ("assignee", &self.assignee),
            ("priority", &self.priority),
            ("label", &self.label),
            ("type", &self.task_type),
            ("team", &self.team),
            ("parent", &self.parent),
            ("q", &self.q),
        ];
        for (name, value) in pairs {
            if let Some(value) = value {
                query.push((name, value.clone()));
            }
        }
        self.page.push_query(&mut query);
        query
    }
}

impl KeelClient {
    /// `GET /api/v1/workspaces/{ws}/tasks` with filters and paging.
    pub async fn list_tasks(
        &self,
        ws: &str,
        filter: &TaskFilter,
    ) -> Result<Page<Task>, ClientError> {
        self.get(
            &["api", "v1", "workspaces", ws, "tasks"],
            &filter.to_query(),
        )
        .await
    }

    /// `POST /api/v1/workspaces/{ws}/tasks`: the answer carries the new key.
    pub async fn create_task(&self, ws: &str, new: &NewTask) -> Result<Task, ClientError> {
        self.post(&["api", "v1", "workspaces", ws, "tasks"], new)
            .await
    }

    /// `GET /api/v1/workspaces/{ws}/tasks/{id-or-key}`.
    pub async fn get_task(&self, ws: &str, task: &str) -> Result<Task, ClientError> {
        self.get(&["api", "v1", "workspaces", ws, "tasks", task], &Vec::new())
            .await
    }

    /// `PATCH /api/v1/workspaces/{ws}/tasks/{id-or-key}`. With
    /// `if_version`, the update applies only if the task is still at that
    /// version (else 412 and nothing changes).
    pub async fn update_task(
        &self,
        ws: &str,
        task: &str,
        patch: &TaskPatch,
        if_version: Option<i64>,
    ) -> Result<Task, ClientError> {
        self.patch(
            &["api", "v1", "workspaces", ws, "tasks", task],
            patch,
            if_version,
        )
        .await
    }

    /// `DELETE /api/v1/workspaces/{ws}/tasks/{id-or-key}`.
    pub async fn delete_task(&self, ws: &str, task: &str) -> Result<(), ClientError> {
        self.delete(&["api", "v1", "workspaces", ws, "tasks", task])
            .await
    }

    /// `GET /api/v1/workspaces/{ws}/tasks/{id-or-key}/comments`, oldest first.
    pub async fn list_comments(
        &self,
        ws: &str,
        task: &str,
        page: &ListParams,
    ) -> Result<Page<Comment>, ClientError> {
        let mut query = Vec::new();
        page.push_query(&mut query);
        self.get(
            &["api", "v1", "workspaces", ws, "tasks", task, "comments"],
            &query,
        )
        .await
    }

    /// `POST /api/v1/workspaces/{ws}/tasks/{id-or-key}/comments`.
    pub async fn add_comment(
        &self,
        ws: &str,
        task: &str,
        comment: &NewComment,
    ) -> Result<Comment, ClientError> {
        self.post(
            &["api", "v1", "workspaces", ws, "tasks", task, "comments"],
            comment,
        )
        .await
    }

    /// `GET /api/v1/workspaces/{ws}/tasks/{id-or-key}/activity`: who changed
    /// which field from what to what, and when.
    pub async fn list_activity(
        &self,
        ws: &str,
        task: &str,
        page: &ListParams,
    ) -> Result<Page<Activity>, ClientError> {
        let mut query = Vec::new();
        page.push_query(&mut query);
        self.get(
            &["api", "v1", "workspaces", ws, "tasks", task, "activity"],
            &query,
        )
        .await
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn filters_become_query_parameters() {
        let filter = TaskFilter {
            product: Some("KEEL".into()),
            assignee: Some("me".into()),
            task_type: Some("bug".into()),
            page: ListParams::limit(10),
            ..TaskFilter::default()
        };
        assert_eq!(
            filter.to_query(),
            vec![
                ("product", "KEEL".to_owned()),
                ("assignee", "me".to_owned()),
                ("type", "bug".to_owned()),
                ("limit", "10".to_owned()),
            ]
        );
    }
}

//! Tasks, their comments and their history.

use crate::common::double_option;
use crate::workspaces::PersonRef;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct Task {
    pub id: String,
    /// `PRODUCTKEY-N`, sequential per product, never reused.
    pub key: String,
    /// The product key.
    pub product: String,
    pub number: i64,
    pub title: String,
    /// Markdown.
    pub description: String,
    /// backlog, todo, in_progress, in_review, done, canceled
    pub status: String,
    /// urgent, high, medium, low, none
    pub priority: String,
    /// feature, bug, tech_debt, spike, chore
    #[serde(rename = "type")]
    pub task_type: String,
    pub assignee: Option<PersonRef>,
    /// The team key.
    pub team: Option<String>,
    /// Points.
    pub estimate: Option<f64>,
    pub due_date: Option<String>,
    pub labels: Vec<String>,
    /// The parent task's key.
    pub parent: Option<String>,
    /// The linked feature's id.
    pub feature: Option<String>,
    pub created_by: PersonRef,
    pub created_at: String,
    pub updated_at: String,
    pub completed_at: Option<String>,
    /// Manual order within the product (board columns): lower comes first.
    /// Change it with `POST …/tasks/{id}/move`.
    pub rank: f64,
    pub version: i64,
}

/// `POST /workspaces/{ws}/tasks`. `assignee` is a user id or email;
/// `parent` a task id or key; `team` a team key or id.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTask {
    pub product: String,
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub priority: Option<String>,
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub task_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assignee: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub team: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub estimate: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub due_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub labels: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub feature: Option<String>,
}

/// `PATCH /workspaces/{ws}/tasks/{id}`: absent fields stay as they are;
/// `null` clears an optional field.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TaskPatch {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub priority: Option<String>,
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub task_type: Option<String>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<String>)]
    pub assignee: Option<Option<String>>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<String>)]
    pub team: Option<Option<String>>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<f64>)]
    pub estimate: Option<Option<f64>>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<String>)]
    pub due_date: Option<Option<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub labels: Option<Vec<String>>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<String>)]
    pub parent: Option<Option<String>>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<String>)]
    pub feature: Option<Option<String>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct Comment {
    pub id: String,
    /// The task's key.
    pub task: String,
    pub author: PersonRef,
    /// Markdown.
    pub body: String,
    pub created_at: String,
    pub updated_at: String,
    pub version: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewComment {
    pub body: String,
}

/// One entry of a task's history.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct Activity {
    pub id: String,
    pub actor: PersonRef,
    /// created, updated, commented, deleted
    pub action: String,
    /// For `updated`: the field that changed.
    pub field: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub at: String,
}

/// `POST /workspaces/{ws}/tasks/{id}/move`: change the status and/or put the
/// task right after (or before) another task, as dragging a card does.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TaskMove {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Task id or key to place this task directly after.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
    /// Task id or key to place this task directly before.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub before: Option<String>,
}

//! What the task list needs beyond tasks themselves: a person's saved
//! views (named list queries) and bulk edits of many tasks at once.

use crate::common::double_option;
use crate::tasks::Task;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A saved list view: a named filter/sort/group query for one product's
/// list, visible only to the person who saved it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct SavedView {
    pub id: String,
    pub name: String,
    /// The product key.
    pub product: String,
    /// The list's query string without `?`, normalised, e.g.
    /// `status=todo,in_progress&assignee=me&sort=priority&group=status`.
    /// Open it as `/w/{ws}/p/{product}/list?{query}`.
    pub query: String,
    pub created_at: String,
}

/// `POST /workspaces/{ws}/views`. `query` accepts the list page's
/// parameters: `status`, `priority`, `type` (comma-separated lists),
/// `assignee` (`me`, `none`, user id or email), `label`, `q`, `sort`
/// (`key`, `priority`, `status`, `due`, `updated`, `created`), `dir`
/// (`asc`, `desc`) and `group` (`status`, `assignee`, `priority`).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewSavedView {
    pub name: String,
    /// Product key.
    pub product: String,
    pub query: String,
}

/// The person's saved views, by product and name.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SavedViewList {
    pub items: Vec<SavedView>,
    pub next_cursor: Option<String>,
}

/// The fields a bulk edit sets on every task: absent fields stay as they
/// are; `assignee: null` unassigns.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BulkTaskSet {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub priority: Option<String>,
    /// User id or email, or `me`; `null` unassigns.
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<String>)]
    pub assignee: Option<Option<String>>,
}

/// `POST /workspaces/{ws}/tasks/bulk`: set the same fields on up to 500
/// tasks (ids or keys), all or nothing.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BulkTaskUpdate {
    pub tasks: Vec<String>,
    pub set: BulkTaskSet,
}

/// What a bulk edit did: every named task as it is now, in the order named,
/// and how many of them actually changed.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct BulkTaskResult {
    pub items: Vec<Task>,
    pub changed: i64,
}

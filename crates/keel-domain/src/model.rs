//! Records as the store hands them out: plain data, already valid.

use crate::Role;

#[derive(Debug, Clone, PartialEq)]
pub struct User {
    pub id: String,
    pub email: String,
    pub name: String,
    pub is_admin: bool,
    pub created_at: String,
}

/// A user together with their stored password hash, for login only.
#[derive(Debug, Clone)]
pub struct UserCredentials {
    pub user: User,
    pub password_hash: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ApiToken {
    pub id: String,
    pub user_id: String,
    pub name: String,
    pub created_at: String,
    pub last_used_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Workspace {
    pub id: String,
    pub name: String,
    pub slug: String,
    pub created_at: String,
    pub version: i64,
}

/// The caller's standing in a workspace, resolved once per request.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkspaceAccess {
    pub workspace: Workspace,
    pub role: Role,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Membership {
    pub workspace_id: String,
    pub user: PersonRef,
    pub role: Role,
    pub active: bool,
    pub created_at: String,
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Product {
    pub id: String,
    pub workspace_id: String,
    pub key: String,
    pub name: String,
    pub vision: String,
    /// Whether the public portal (feedback, ideas, votes) is open.
    pub portal_enabled: bool,
    /// The welcome text at the top of the portal.
    pub portal_intro: String,
    pub created_at: String,
    pub updated_at: String,
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Team {
    pub id: String,
    pub workspace_id: String,
    pub key: String,
    pub name: String,
    pub created_at: String,
    pub version: i64,
}

/// A person as shown on an item: enough to display and to address them.
#[derive(Debug, Clone, PartialEq)]
pub struct PersonRef {
    pub id: String,
    pub name: String,
    pub email: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Task {
    pub id: String,
    pub workspace_id: String,
    pub product: String,
    pub number: i64,
    pub key: String,
    pub title: String,
    pub description: String,
    pub status: String,
    pub priority: String,
    pub task_type: String,
    pub assignee: Option<PersonRef>,
    pub team: Option<String>,
    pub estimate: Option<f64>,
    pub due_date: Option<String>,
    pub labels: Vec<String>,
    pub parent: Option<String>,
    pub feature: Option<String>,
    pub created_by: PersonRef,
    pub created_at: String,
    pub updated_at: String,
    pub completed_at: Option<String>,
    /// Manual order within the product (board columns); lower first.
    pub rank: f64,
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Comment {
    pub id: String,
    pub task_id: String,
    pub author: PersonRef,
    pub body: String,
    pub created_at: String,
    pub updated_at: String,
    pub version: i64,
}

/// One entry of an item's history: who did what, and for a field change,
/// from which value to which.
#[derive(Debug, Clone, PartialEq)]
pub struct Activity {
    pub id: String,
    pub task_id: String,
    pub actor: PersonRef,
    pub action: String,
    pub field: Option<String>,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    pub at: String,
}

/// A committed change, numbered per workspace, for the live stream.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub seq: i64,
    pub event_type: String,
    pub kind: String,
    pub item_id: String,
    pub key: Option<String>,
    pub at: String,
}

//! Workspaces, members, products and teams.

use crate::common::double_option;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct Workspace {
    pub id: String,
    pub name: String,
    pub slug: String,
    /// The caller's role in this workspace.
    pub role: String,
    pub created_at: String,
    pub version: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewWorkspace {
    pub name: String,
    pub slug: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WorkspacePatch {
    pub name: Option<String>,
}

/// A person on an item: enough to show and to address them.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct PersonRef {
    pub id: String,
    pub name: String,
    pub email: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Membership {
    pub workspace: String,
    pub user: PersonRef,
    pub role: String,
    /// Deactivated members keep their history but can no longer sign in to
    /// the workspace.
    pub active: bool,
    pub created_at: String,
    pub version: i64,
}

/// Add an existing account to the workspace. `email` may also be a user id.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewMember {
    pub email: String,
    pub role: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MemberPatch {
    pub role: Option<String>,
    pub active: Option<bool>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct Product {
    pub id: String,
    pub key: String,
    pub name: String,
    pub vision: String,
    /// Whether the public portal at `/portal/{ws}/{key}` is open.
    #[serde(default)]
    pub portal_enabled: bool,
    /// The welcome text at the top of the portal (Markdown).
    #[serde(default)]
    pub portal_intro: String,
    pub created_at: String,
    pub updated_at: String,
    pub version: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewProduct {
    pub name: String,
    pub key: String,
    pub vision: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProductPatch {
    pub name: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub vision: Option<Option<String>>,
    /// Opens or closes the public portal.
    pub portal_enabled: Option<bool>,
    pub portal_intro: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct Team {
    pub id: String,
    pub key: String,
    pub name: String,
    pub created_at: String,
    pub version: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTeam {
    pub key: String,
    pub name: String,
}

/// A full workspace export: every row of the workspace, to import into
/// another instance with `POST /api/v1/workspaces/import`. Loosely typed
/// here; its layout is `{format: "keel-workspace-export", version: 1,
/// exported_at, schema_level, workspace: {column: value}, users: [{id,
/// email, name}], tables: {table: [{column: value}]}}`, rows sorted by
/// primary key. It never holds password hashes, tokens or sessions.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
#[serde(transparent)]
pub struct WorkspaceExport(pub serde_json::Value);

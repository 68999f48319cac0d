//! The audit log, and logging out everywhere.

use crate::workspaces::PersonRef;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// One security-relevant event. `action` is one of `login`,
/// `login_failed`, `logout_all`, `role_changed`, `token_created`,
/// `token_revoked`, `export`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct AuditEvent {
    pub id: String,
    /// The workspace's slug; `null` for events of the instance (sign-ins,
    /// tokens).
    pub workspace: Option<String>,
    /// Who did it; `null` when nobody is known (a failed sign-in) or the
    /// account was deleted.
    pub actor: Option<PersonRef>,
    pub action: String,
    /// What it was done to: a user id, a token id, the email a failed
    /// sign-in tried… May be empty.
    pub target: String,
    /// The client address the request came from.
    pub ip: Option<String>,
    /// More about the event (never a password or a token).
    #[schema(value_type = Object)]
    pub detail: serde_json::Value,
    pub created_at: String,
}

/// `POST /api/v1/auth/logout-all`: ends every browser session of the
/// caller; with `revoke_tokens`, also revokes every personal API token,
/// the caller's own included.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LogoutAll {
    #[serde(default)]
    pub revoke_tokens: bool,
}

/// What logging out everywhere ended.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct LoggedOut {
    pub sessions_ended: u64,
    pub tokens_revoked: u64,
}

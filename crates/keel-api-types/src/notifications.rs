//! In-app notifications: what someone was told about (an @mention in a
//! comment), listed per workspace for the caller only.

use crate::workspaces::PersonRef;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct Notification {
    pub id: String,
    /// Why: `mention` (someone @mentioned you in a comment).
    pub kind: String,
    /// Who did it.
    pub actor: PersonRef,
    /// The task's key.
    pub task: String,
    pub task_title: String,
    /// The comment's id, for mentions.
    pub comment: Option<String>,
    /// The start of the comment, as plain text on one line.
    pub excerpt: String,
    pub created_at: String,
    /// When it was marked read; `null` while unread.
    pub read_at: Option<String>,
}

/// One page of the caller's notifications, newest first, with how many of
/// all of them (not just this page) are unread.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct NotificationPage {
    pub items: Vec<Notification>,
    pub next_cursor: Option<String>,
    pub unread: i64,
}

/// `POST /workspaces/{ws}/notifications/read`: either `all: true`, or the
/// `ids` to mark read (ids that are not the caller's are ignored).
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MarkRead {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ids: Vec<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub all: bool,
}

/// What marking read changed.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct MarkedRead {
    /// Notifications that went from unread to read.
    pub marked: i64,
    /// How many are still unread.
    pub unread: i64,
}

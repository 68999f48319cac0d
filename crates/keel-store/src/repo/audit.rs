//! The audit log: security-relevant events, only ever appended. Writers
//! call [`record`] inside the transaction of the change they describe, so
//! an event is logged exactly when its change commits.

use crate::repo::cursor_id;
use crate::{Db, StoreResult, Tx};
use keel_domain::ids::new_id;
use keel_domain::time::Timestamp;

/// Actions recorded, as stored in `audit_events.action`.
pub mod action {
    pub const LOGIN: &str = "login";
    pub const LOGIN_FAILED: &str = "login_failed";
    pub const LOGOUT_ALL: &str = "logout_all";
    pub const ROLE_CHANGED: &str = "role_changed";
    pub const TOKEN_CREATED: &str = "token_created";
    pub const TOKEN_REVOKED: &str = "token_revoked";
    pub const EXPORT: &str = "export";
    pub const IMPORT: &str = "import";
}

/// An event to record.
#[derive(Debug, Clone, Default)]
pub struct NewEvent<'a> {
    /// `None` for events of the instance (sign-ins, tokens).
    pub workspace_id: Option<&'a str>,
    /// Who did it; `None` when nobody is known (a failed sign-in).
    pub actor_id: Option<&'a str>,
    /// One of [`action`].
    pub action: &'a str,
    /// What it was done to: a user id, a token id, an email tried, an
    /// exported item… (free text, may be empty).
    pub target: &'a str,
    /// The client address, when the event came from a request.
    pub ip: Option<&'a str>,
    /// More about it, as a JSON object. Never a secret.
    pub detail: Option<serde_json::Value>,
}

/// A recorded event, with the names of the workspace and actor it refers
/// to (still `None` if they were deleted since).
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct AuditEvent {
    pub id: String,
    pub workspace_id: Option<String>,
    pub workspace_slug: Option<String>,
    pub actor_id: Option<String>,
    pub actor_name: Option<String>,
    pub actor_email: Option<String>,
    pub action: String,
    pub target: String,
    pub ip: Option<String>,
    /// A JSON object as text.
    pub detail: String,
    pub created_at: String,
}

/// Appends an event in `tx`; it is stored if and only if `tx` commits.
pub async fn record(tx: &mut Tx, event: &NewEvent<'_>) -> StoreResult<String> {
    let id = new_id();
    let detail = event
        .detail
        .as_ref()
        .map(ToString::to_string)
        .unwrap_or_else(|| "{}".to_string());
    let now = Timestamp::now().to_rfc3339();
    on_db!(tx.db(), c => sqlx::query(
        "INSERT INTO audit_events (id, workspace_id, actor_id, action, target, ip, detail, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
    ).bind(&id).bind(event.workspace_id).bind(event.actor_id).bind(event.action)
     .bind(event.target).bind(event.ip).bind(&detail).bind(&now)
     .execute(c).await.map(|r| r.rows_affected()))?;
    Ok(id)
}

/// Records that `actor_id` exported `target` (e.g. `customer:<id>`) of a
/// workspace, in the transaction that reads or marks the export.
pub async fn record_export(
    tx: &mut Tx,
    workspace_id: &str,
    actor_id: &str,
    target: &str,
    ip: Option<&str>,
    detail: Option<serde_json::Value>,
) -> StoreResult<String> {
    record(
        tx,
        &NewEvent {
            workspace_id: Some(workspace_id),
            actor_id: Some(actor_id),
            action: action::EXPORT,
            target,
            ip,
            detail,
        },
    )
    .await
}

/// Which events a reader may see.
#[derive(Debug, Clone, Copy)]
pub enum Scope<'a> {
    /// Everything (instance admins).
    Instance,
    /// The events of this workspace (by id), and the instance events —
    /// sign-ins, failed sign-ins, tokens — of its members, past or present.
    Workspace(&'a str),
}

const SELECT: &str = "SELECT a.id, a.workspace_id, w.slug AS workspace_slug, a.actor_id,
        u.name AS actor_name, u.email AS actor_email, a.action, a.target, a.ip, a.detail,
        a.created_at
     FROM audit_events a
     LEFT JOIN workspaces w ON w.id = a.workspace_id
     LEFT JOIN users u ON u.id = a.actor_id";

/// One page of events, newest first, after `cursor` (the last id of the
/// previous page); the cursor of the next page, if there is one.
pub async fn list(
    db: Db<'_>,
    scope: Scope<'_>,
    cursor: Option<&str>,
    limit: i64,
) -> StoreResult<(Vec<AuditEvent>, Option<String>)> {
    let limit = limit.clamp(1, 500);
    // Ids are time-ordered, so "older than the cursor" is "id below it".
    let before = cursor_id(cursor).unwrap_or_else(|| "g".to_string());
    let rows: Vec<AuditEvent> = match scope {
        Scope::Instance => {
            let sql = format!("{SELECT} WHERE a.id < $1 ORDER BY a.id DESC LIMIT $2");
            on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(&before).bind(limit + 1).fetch_all(c).await)?
        }
        Scope::Workspace(ws_id) => {
            let sql = format!(
                "{SELECT} WHERE a.id < $1 AND (a.workspace_id = $2 OR (a.workspace_id IS NULL AND (
                    a.actor_id IN (SELECT m.user_id FROM memberships m WHERE m.workspace_id = $2)
                    OR (a.action = 'login_failed' AND a.target IN (
                        SELECT mu.email FROM memberships m JOIN users mu ON mu.id = m.user_id
                        WHERE m.workspace_id = $2)))))
                 ORDER BY a.id DESC LIMIT $3"
            );
            on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(&before).bind(ws_id).bind(limit + 1).fetch_all(c).await)?
        }
    };
    let mut rows = rows;
    if rows.len() as i64 > limit {
        rows.truncate(limit as usize);
        let next = rows.last().map(|e| e.id.clone());
        Ok((rows, next))
    } else {
        Ok((rows, None))
    }
}

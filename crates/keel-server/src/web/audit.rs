//! Workspace settings → Audit log: what the API's
//! `GET /api/v1/workspaces/{ws}/audit` returns, as a page for the
//! workspace's owners and admins, newest first, a page at a time.

use super::chrome::Chrome;
use super::error::{PageError, page};
use super::session::WebUser;
use crate::AppState;
use crate::api::v1::PageParams;
use crate::api::v1::audit;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use keel_api_types::AuditEvent;
use keel_domain::Permission;
use keel_store::repo::audit::Scope;
use serde::Deserialize;

/// Events shown per page.
const PER_PAGE: i64 = 100;

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    chrome: Chrome,
    events: Vec<Row>,
    next_cursor: Option<String>,
    first_page: bool,
}

/// An event as the table shows it.
struct Row {
    when: String,
    action: String,
    who: String,
    target: String,
    ip: String,
    detail: String,
}

impl From<AuditEvent> for Row {
    fn from(e: AuditEvent) -> Self {
        let who = match &e.actor {
            Some(a) => format!("{} <{}>", a.name, a.email),
            None => "—".to_string(),
        };
        let detail = match &e.detail {
            serde_json::Value::Object(m) => m
                .iter()
                .map(|(k, v)| match v {
                    serde_json::Value::String(s) => format!("{k}: {s}"),
                    other => format!("{k}: {other}"),
                })
                .collect::<Vec<_>>()
                .join(", "),
            other => other.to_string(),
        };
        Row {
            when: e
                .created_at
                .get(..19)
                .unwrap_or(&e.created_at)
                .replace('T', " "),
            action: e.action,
            who,
            target: e.target,
            ip: e.ip.unwrap_or_default(),
            detail,
        }
    }
}

#[derive(Deserialize)]
pub struct AuditQuery {
    cursor: Option<String>,
}

pub async fn audit_page(
    State(app): State<AppState>,
    user: WebUser,
    Path(ws): Path<String>,
    Query(q): Query<AuditQuery>,
) -> Result<Response, PageError> {
    let (chrome, access) = Chrome::for_workspace(&app, &user, &ws, "Audit log", "settings").await?;
    // The same rule as the API: whoever manages the members.
    if !access.role.allows(Permission::ManageMembers) {
        return Err(PageError::Status(
            StatusCode::FORBIDDEN,
            "Only the workspace's owners and admins can read its audit log.".into(),
        ));
    }
    let params = PageParams {
        limit: Some(PER_PAGE),
        cursor: q.cursor.filter(|c| !c.is_empty()),
    };
    let first_page = params.cursor.is_none();
    let events = audit::page(&app, Scope::Workspace(&access.workspace.id), &params).await?;
    page(&AuditPage {
        chrome,
        events: events.items.into_iter().map(Row::from).collect(),
        next_cursor: events.next_cursor,
        first_page,
    })
}

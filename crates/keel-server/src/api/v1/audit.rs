//! Reading the audit log: a workspace's (its owners and admins) and the
//! whole instance's (instance admins). Events are written where they
//! happen, through `keel_store::repo::audit::record`.

use super::{PageParams, id_cursor, page_limit};
use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Caller, Query, WorkspaceCtx};
use axum::extract::State;
use keel_api_types::{AuditEvent, Page, PersonRef, Problem};
use keel_domain::Permission;
use keel_store::repo;
use keel_store::repo::audit::Scope;

pub(crate) fn event(e: repo::audit::AuditEvent) -> AuditEvent {
    let actor = match (e.actor_id, e.actor_name, e.actor_email) {
        (Some(id), Some(name), Some(email)) => Some(PersonRef { id, name, email }),
        _ => None,
    };
    AuditEvent {
        id: e.id,
        workspace: e.workspace_slug,
        actor,
        action: e.action,
        target: e.target,
        ip: e.ip,
        detail: serde_json::from_str(&e.detail).unwrap_or(serde_json::Value::String(e.detail)),
        created_at: e.created_at,
    }
}

/// One page of a scope's events, newest first.
pub(crate) async fn page(
    app: &AppState,
    scope: Scope<'_>,
    params: &PageParams,
) -> ApiResult<Page<AuditEvent>> {
    let limit = page_limit(params.limit)?;
    let cursor = id_cursor(params.cursor.as_deref())?;
    let (items, next_cursor) = repo::audit::list(app.store.db(), scope, cursor, limit).await?;
    Ok(Page {
        items: items.into_iter().map(event).collect(),
        next_cursor,
    })
}

/// The workspace's audit log, newest first: membership and role changes
/// and exports in the workspace, and the sign-ins (also failed ones), sign-
/// outs everywhere and token changes of its members. Owners and admins
/// only.
#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/audit", tag = "workspaces",
    params(("ws" = String, Path, description = "Workspace slug"), PageParams),
    responses((status = 200, body = Page<AuditEvent>), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)), security(("bearer" = [])))]
pub async fn workspace_audit(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Query(params): Query<PageParams>,
) -> ApiResult<axum::Json<Page<AuditEvent>>> {
    // Whoever manages the members reads what happened to them.
    ctx.require(Permission::ManageMembers)?;
    Ok(axum::Json(
        page(&app, Scope::Workspace(&ctx.workspace.id), &params).await?,
    ))
}

/// The whole instance's audit log, newest first (instance admins only).
#[utoipa::path(get, path = "/api/v1/admin/audit", tag = "accounts", params(PageParams),
    responses((status = 200, body = Page<AuditEvent>), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 422, body = Problem)), security(("bearer" = [])))]
pub async fn instance_audit(
    State(app): State<AppState>,
    caller: Caller,
    Query(params): Query<PageParams>,
) -> ApiResult<axum::Json<Page<AuditEvent>>> {
    if !caller.user.is_admin {
        return Err(ApiError::Forbidden(
            "only instance admins can read the instance's audit log",
        ));
    }
    Ok(axum::Json(page(&app, Scope::Instance, &params).await?))
}

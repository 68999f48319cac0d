//! The full workspace export (owners and admins) and its import into
//! another instance (instance admins): one JSON document holding every row
//! of the workspace, which imports back identically. The work is in
//! `keel_store::export`; here are who may, the HTTP shape, and the one
//! place each is recorded.

use super::convert;
use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Caller, WorkspaceCtx};
use crate::rate_limit::ClientAddr;
use crate::reply;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use keel_api_types::{Problem, Workspace, WorkspaceExport};
use keel_domain::Permission;
use keel_domain::time::Timestamp;
use keel_store::export::{self, ImportError};
use keel_store::repo;

/// The largest document `POST /api/v1/workspaces/import` reads.
pub const MAX_IMPORT_BYTES: usize = 256 * 1024 * 1024;

/// Every row of the workspace as one JSON document (owners and admins):
/// products, tasks, features, feedback, customers, goals, roadmaps … and
/// the people they name (id, email and name; never passwords or tokens).
#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/export", tag = "workspaces",
    params(("ws" = String, Path, description = "Workspace slug")),
    responses((status = 200, body = WorkspaceExport), (status = 401, body = Problem),
        (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn export_workspace(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    addr: ClientAddr,
) -> ApiResult<Response> {
    // Everything, customers' personal data included: the workspace's
    // managers only.
    ctx.require(Permission::ManageMembers)?;
    let now = Timestamp::now().to_rfc3339();
    let doc = export::export_workspace(&app.store, &ctx.workspace.id, &now)
        .await?
        .ok_or(ApiError::NotFound("no such workspace"))?;
    record_export(&app, &ctx, addr, &doc).await?;
    let mut response = axum::Json(doc).into_response();
    let day = now.get(..10).unwrap_or("export");
    if let Ok(v) = HeaderValue::from_str(&format!(
        "attachment; filename=\"keel-{}-{day}.json\"",
        ctx.workspace.slug
    )) {
        response
            .headers_mut()
            .insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(response)
}

/// The one place an export is recorded (the audit log's `export` event
/// belongs here).
async fn record_export(
    app: &AppState,
    ctx: &WorkspaceCtx,
    addr: ClientAddr,
    doc: &serde_json::Value,
) -> ApiResult<()> {
    let rows: usize = doc["tables"]
        .as_object()
        .map(|t| t.values().filter_map(|r| r.as_array().map(Vec::len)).sum())
        .unwrap_or(0);
    tracing::info!(
        workspace = %ctx.workspace.id,
        user = %ctx.caller.user.id,
        rows,
        "workspace exported"
    );
    // Written before the document leaves: no export goes unrecorded.
    let mut tx = app.store.begin().await?;
    repo::audit::record_export(
        &mut tx,
        &ctx.workspace.id,
        &ctx.caller.user.id,
        &ctx.workspace.slug,
        Some(&addr.0.to_string()),
        Some(serde_json::json!({ "rows": rows })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Imports an export document as a new workspace (instance admins). All
/// or nothing: a document of another schema level, an unknown table or
/// column, or a value of the wrong kind answers 422 naming it; a workspace
/// whose id or slug is on this instance already answers 409. The caller
/// becomes its owner unless the document makes them a member; people are
/// matched by email, and the others get accounts without a password.
#[utoipa::path(post, path = "/api/v1/workspaces/import", tag = "workspaces", request_body = WorkspaceExport,
    responses((status = 201, body = Workspace), (status = 400, body = Problem), (status = 401, body = Problem),
        (status = 403, body = Problem), (status = 409, body = Problem), (status = 413, body = Problem),
        (status = 415, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn import_workspace(
    State(app): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<Response> {
    if !caller.user.is_admin {
        return Err(ApiError::Forbidden(
            "only instance admins can import workspaces",
        ));
    }
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| {
            let mime = ct.split(';').next().unwrap_or("").trim();
            mime.eq_ignore_ascii_case("application/json")
        });
    if !is_json {
        return Err(ApiError::UnsupportedMediaType);
    }
    // Read by hand: a whole workspace is far larger than the API's usual
    // body limit.
    let bytes = axum::body::to_bytes(body, MAX_IMPORT_BYTES)
        .await
        .map_err(|_| ApiError::PayloadTooLarge)?;
    let doc: serde_json::Value = serde_json::from_slice(&bytes)
        .map_err(|e| ApiError::MalformedBody(format!("the body is not JSON: {e}")))?;
    drop(bytes);
    let now = Timestamp::now().to_rfc3339();
    let imported = export::import_workspace(&app.store, &doc, &caller.user.id, &now)
        .await
        .map_err(|e| match e {
            ImportError::Invalid { field, message } => ApiError::field(&field, message),
            ImportError::Exists { field, message } => ApiError::Conflict { field, message },
            ImportError::Store(e) => e.into(),
        })?;
    log_import(&caller, &imported);
    let access = repo::workspaces::access(app.store.db(), &imported.slug, &caller.user.id)
        .await?
        .ok_or(ApiError::NotFound("no such workspace"))?;
    Ok(reply::created(
        &convert::workspace(&access.workspace, access.role),
        &format!("/api/v1/workspaces/{}", access.workspace.slug),
        access.workspace.version,
    ))
}

/// Logs an import; its audit record is written in the import's own
/// transaction (`export::import_workspace`).
fn log_import(caller: &Caller, imported: &export::Imported) {
    tracing::info!(
        workspace = %imported.workspace_id,
        user = %caller.user.id,
        rows = imported.rows,
        users_created = imported.users_created,
        "workspace imported"
    );
}

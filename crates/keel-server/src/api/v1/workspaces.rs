//! Workspaces and memberships.

use super::{PageParams, convert, page_of};
use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Caller, IfMatch, Json, Query, WorkspaceCtx};
use crate::rate_limit::ClientAddr;
use crate::reply;
use axum::extract::{Path, State};
use axum::response::Response;
use keel_api_types::{
    MemberPatch, Membership, NewMember, NewWorkspace, Page, Problem, Workspace, WorkspacePatch,
};
use keel_domain::ids::new_id;
use keel_domain::time::Timestamp;
use keel_domain::values::{Slug, line};
use keel_domain::{Permission, Role, ValidationErrors};
use keel_store::repo;
use keel_store::repo::audit::{NewEvent, action};
use serde_json::json;

/// Logs a change of membership (added, role changed, deactivated or
/// reactivated) in the transaction that makes it.
async fn record_member_change(
    tx: &mut keel_store::Tx,
    ctx: &WorkspaceCtx,
    addr: &ClientAddr,
    member_id: &str,
    detail: serde_json::Value,
) -> ApiResult<()> {
    let ip = addr.0.to_string();
    repo::audit::record(
        tx,
        &NewEvent {
            workspace_id: Some(&ctx.workspace.id),
            actor_id: Some(&ctx.caller.user.id),
            action: action::ROLE_CHANGED,
            target: member_id,
            ip: Some(&ip),
            detail: Some(detail),
        },
    )
    .await?;
    Ok(())
}

/// Validates and creates a workspace owned by `owner_id` (API and pages).
pub(crate) async fn create(
    app: &AppState,
    owner_id: &str,
    body: &NewWorkspace,
) -> ApiResult<keel_domain::model::Workspace> {
    let mut errors = ValidationErrors::new();
    let name = errors.check(line("name", &body.name));
    let slug = errors.check(Slug::parse("slug", &body.slug));
    let (Some(name), Some(slug)) = (name, slug) else {
        return Err(errors.into());
    };
    let now = Timestamp::now().to_rfc3339();
    let mut tx = app.store.begin().await?;
    let ws =
        repo::workspaces::create(&mut tx, &new_id(), &name, slug.as_str(), owner_id, &now).await?;
    tx.commit().await?;
    Ok(ws)
}

/// Creates a workspace; the caller becomes its owner.
#[utoipa::path(post, path = "/api/v1/workspaces", tag = "workspaces", request_body = NewWorkspace,
    responses((status = 201, body = Workspace), (status = 401, body = Problem), (status = 409, body = Problem),
        (status = 422, body = Problem)), security(("bearer" = [])))]
pub async fn create_workspace(
    State(app): State<AppState>,
    caller: Caller,
    Json(body): Json<NewWorkspace>,
) -> ApiResult<Response> {
    let ws = create(&app, &caller.user.id, &body).await?;
    let body = convert::workspace(&ws, Role::Owner);
    Ok(reply::created(
        &body,
        &format!("/api/v1/workspaces/{}", ws.slug),
        ws.version,
    ))
}

/// The caller's workspaces.
#[utoipa::path(get, path = "/api/v1/workspaces", tag = "workspaces", params(PageParams),
    responses((status = 200, body = Page<Workspace>), (status = 401, body = Problem)), security(("bearer" = [])))]
pub async fn list_workspaces(
    State(app): State<AppState>,
    caller: Caller,
    Query(page): Query<PageParams>,
) -> ApiResult<axum::Json<Page<Workspace>>> {
    let all = repo::workspaces::list_for_user(app.store.db(), &caller.user.id).await?;
    let items = all
        .iter()
        .map(|a| convert::workspace(&a.workspace, a.role))
        .collect();
    Ok(axum::Json(page_of(
        items,
        |w: &Workspace| &w.slug,
        page.limit,
        page.cursor.as_deref(),
    )?))
}

#[utoipa::path(get, path = "/api/v1/workspaces/{ws}", tag = "workspaces",
    params(("ws" = String, Path, description = "Workspace slug")),
    responses((status = 200, body = Workspace), (status = 401, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn get_workspace(ctx: WorkspaceCtx) -> ApiResult<Response> {
    ctx.require(Permission::Read)?;
    Ok(reply::ok_versioned(
        &convert::workspace(&ctx.workspace, ctx.role),
        ctx.workspace.version,
    ))
}

/// Renames a workspace (owners and admins). The slug never changes: it is
/// in every URL people have bookmarked.
#[utoipa::path(patch, path = "/api/v1/workspaces/{ws}", tag = "workspaces", request_body = WorkspacePatch,
    params(("ws" = String, Path, description = "Workspace slug")),
    responses((status = 200, body = Workspace), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 412, body = Problem), (status = 422, body = Problem)), security(("bearer" = [])))]
pub async fn update_workspace(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    IfMatch(expected): IfMatch,
    Json(body): Json<WorkspacePatch>,
) -> ApiResult<Response> {
    ctx.require(Permission::ManageMembers)?;
    let name = match &body.name {
        Some(n) => line("name", n)?,
        None => ctx.workspace.name.clone(),
    };
    let mut tx = app.store.begin().await?;
    let ws = repo::workspaces::rename(
        &mut tx,
        &ctx.workspace.id,
        &name,
        expected,
        &Timestamp::now().to_rfc3339(),
    )
    .await?;
    tx.commit().await?;
    Ok(reply::ok_versioned(
        &convert::workspace(&ws, ctx.role),
        ws.version,
    ))
}

/// Adds an existing account to the workspace with a role (owners and admins;
/// only owners may add owners).
#[utoipa::path(post, path = "/api/v1/workspaces/{ws}/members", tag = "workspaces", request_body = NewMember,
    params(("ws" = String, Path, description = "Workspace slug")),
    responses((status = 201, body = Membership), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)), security(("bearer" = [])))]
pub async fn add_member(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    addr: ClientAddr,
    Json(body): Json<NewMember>,
) -> ApiResult<Response> {
    ctx.require(Permission::ManageMembers)?;
    let role = Role::parse("role", &body.role)?;
    if role == Role::Owner {
        ctx.require(Permission::ManageOwners)?;
    }
    let user = repo::users::by_id_or_email(app.store.db(), &body.email)
        .await?
        .ok_or_else(|| {
            ApiError::field(
                "email",
                "no account has this email; an instance admin can create one",
            )
        })?;
    let mut tx = app.store.begin().await?;
    let m = repo::workspaces::add_member(
        &mut tx,
        &ctx.workspace.id,
        &user.id,
        role,
        &Timestamp::now().to_rfc3339(),
    )
    .await?;
    record_member_change(
        &mut tx,
        &ctx,
        &addr,
        &user.id,
        json!({"change": "added", "email": user.email, "role": role.as_str()}),
    )
    .await?;
    tx.commit().await?;
    let location = format!(
        "/api/v1/workspaces/{}/members/{}",
        ctx.workspace.slug, user.id
    );
    Ok(reply::created(
        &convert::membership(&m, &ctx.workspace.slug),
        &location,
        m.version,
    ))
}

#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/members", tag = "workspaces",
    params(("ws" = String, Path, description = "Workspace slug"), PageParams),
    responses((status = 200, body = Page<Membership>), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn list_members(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Query(page): Query<PageParams>,
) -> ApiResult<axum::Json<Page<Membership>>> {
    ctx.require(Permission::Read)?;
    let members = repo::workspaces::members(app.store.db(), &ctx.workspace.id).await?;
    let items = members
        .iter()
        .map(|m| convert::membership(m, &ctx.workspace.slug))
        .collect();
    Ok(axum::Json(page_of(
        items,
        |m: &Membership| &m.user.id,
        page.limit,
        page.cursor.as_deref(),
    )?))
}

/// Changes a member's role or deactivates them. Deactivated members keep
/// their history but lose access. The last active owner cannot be demoted
/// or deactivated.
#[utoipa::path(patch, path = "/api/v1/workspaces/{ws}/members/{user}", tag = "workspaces", request_body = MemberPatch,
    params(("ws" = String, Path, description = "Workspace slug"), ("user" = String, Path, description = "User id or email")),
    responses((status = 200, body = Membership), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 412, body = Problem), (status = 422, body = Problem)), security(("bearer" = [])))]
pub async fn update_member(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    addr: ClientAddr,
    Path((_ws, who)): Path<(String, String)>,
    IfMatch(expected): IfMatch,
    Json(body): Json<MemberPatch>,
) -> ApiResult<Response> {
    ctx.require(Permission::ManageMembers)?;
    let role = body
        .role
        .as_deref()
        .map(|r| Role::parse("role", r))
        .transpose()?;
    let mut tx = app.store.begin().await?;
    let current = repo::workspaces::member(tx.db(), &ctx.workspace.id, &who)
        .await?
        .ok_or(ApiError::NotFound("no such member"))?;
    let new_role = role.unwrap_or(current.role);
    let active = body.active.unwrap_or(current.active);
    // Owners are managed by owners only, in both directions.
    if current.role == Role::Owner || new_role == Role::Owner {
        ctx.require(Permission::ManageOwners)?;
    }
    let loses_owner =
        current.role == Role::Owner && current.active && (new_role != Role::Owner || !active);
    if loses_owner && repo::workspaces::active_owner_count(tx.db(), &ctx.workspace.id).await? <= 1 {
        return Err(ApiError::Conflict {
            field: "role".into(),
            message: "a workspace needs at least one active owner".into(),
        });
    }
    let m = repo::workspaces::update_member(
        &mut tx,
        &ctx.workspace.id,
        &current.user.id,
        new_role,
        active,
        expected,
        &Timestamp::now().to_rfc3339(),
    )
    .await?;
    if current.role != new_role || current.active != active {
        let change = match (current.active, active) {
            (true, false) => "deactivated",
            (false, true) => "reactivated",
            _ => "role",
        };
        record_member_change(
            &mut tx,
            &ctx,
            &addr,
            &current.user.id,
            json!({
                "change": change,
                "email": current.user.email,
                "from": current.role.as_str(),
                "to": new_role.as_str(),
                "active": active,
            }),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(reply::ok_versioned(
        &convert::membership(&m, &ctx.workspace.slug),
        m.version,
    ))
}

//! Comments on tasks, and the task history.

use super::{PageParams, convert, page_limit};
use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Query, WorkspaceCtx};
use crate::reply;
use axum::extract::{Path, State};
use axum::response::Response;
use keel_api_types::{Activity, Comment, NewComment, Page, Problem};
use keel_domain::Permission;
use keel_domain::time::Timestamp;
use keel_domain::values::non_empty_body;
use keel_store::repo;

/// Comments on a task (guests may comment too).
#[utoipa::path(post, path = "/api/v1/workspaces/{ws}/tasks/{id}/comments", tag = "tasks", request_body = NewComment,
    params(("ws" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Task id or key")),
    responses((status = 201, body = Comment), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn create_comment(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Path((_ws, id)): Path<(String, String)>,
    Json(input): Json<NewComment>,
) -> ApiResult<Response> {
    ctx.require(Permission::Comment)?;
    let text = non_empty_body("body", &input.body)?;
    let mut tx = app.store.begin().await?;
    let task = repo::tasks::get(tx.db(), &ctx.workspace.id, &id)
        .await?
        .ok_or(ApiError::NotFound("no such task"))?;
    let (comment, event) = repo::comments::create(
        &mut tx,
        &task,
        ctx.user_id(),
        &text,
        &Timestamp::now().to_rfc3339(),
    )
    .await?;
    tx.commit().await?;
    let location = format!(
        "/api/v1/workspaces/{}/tasks/{}/comments/{}",
        ctx.workspace.slug, task.key, comment.id
    );
    let body = convert::comment(&comment, &task.key);
    app.live
        .publish(&ctx.workspace.id, &event, serde_json::to_value(&body).ok());
    Ok(reply::created(&body, &location, comment.version))
}

/// A task's comments, oldest first.
#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/tasks/{id}/comments", tag = "tasks",
    params(("ws" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Task id or key"), PageParams),
    responses((status = 200, body = Page<Comment>), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn list_comments(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Path((_ws, id)): Path<(String, String)>,
    Query(page): Query<PageParams>,
) -> ApiResult<axum::Json<Page<Comment>>> {
    ctx.require(Permission::Read)?;
    let limit = page_limit(page.limit)?;
    let task = repo::tasks::get(app.store.db(), &ctx.workspace.id, &id)
        .await?
        .ok_or(ApiError::NotFound("no such task"))?;
    let (items, next_cursor) = repo::comments::list(
        app.store.db(),
        &task.id,
        super::id_cursor(page.cursor.as_deref())?,
        limit,
    )
    .await?;
    Ok(axum::Json(Page {
        items: items
            .iter()
            .map(|c| convert::comment(c, &task.key))
            .collect(),
        next_cursor,
    }))
}

/// A task's history: who changed which field from what to what, and when.
#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/tasks/{id}/activity", tag = "tasks",
    params(("ws" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Task id or key"), PageParams),
    responses((status = 200, body = Page<Activity>), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn list_activity(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Path((_ws, id)): Path<(String, String)>,
    Query(page): Query<PageParams>,
) -> ApiResult<axum::Json<Page<Activity>>> {
    ctx.require(Permission::Read)?;
    let limit = page_limit(page.limit)?;
    let task = repo::tasks::get(app.store.db(), &ctx.workspace.id, &id)
        .await?
        .ok_or(ApiError::NotFound("no such task"))?;
    let (items, next_cursor) = repo::comments::activity(
        app.store.db(),
        &task.id,
        super::id_cursor(page.cursor.as_deref())?,
        limit,
    )
    .await?;
    Ok(axum::Json(Page {
        items: items.iter().map(convert::activity).collect(),
        next_cursor,
    }))
}
